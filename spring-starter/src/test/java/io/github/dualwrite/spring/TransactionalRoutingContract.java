package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.spring.txapp.PointsTx;
import io.github.dualwrite.spring.txapp.TxApp;
import io.github.dualwrite.testing.DbPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@code @Transactional} service writing through JdbcTemplate, a MyBatis mapper and a JPA repository (save,
 * find, update, delete) over the starter's DataSource, walked through every stage: committed work lands on the
 * sides the stage writes and nowhere else, rolled-back work on neither, and reads come from the read side.
 */
abstract class TransactionalRoutingContract {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext app;
    private DbPair pair;

    abstract DbPair openPair();

    abstract String hibernateDialect();

    @BeforeEach
    void start() {
        pair = openPair();
        TestSides.open(pair);
        app = new SpringApplicationBuilder(TxApp.class, TestSides.class).web(WebApplicationType.NONE).run(
                "--dualwrite.enabled=true",
                "--dualwrite.repair.enabled=false",
                "--dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                "--dualwrite.units.points.routing-column=user_id",
                "--dualwrite.units.points.tables.points_account.id-source=APPLICATION",
                "--dualwrite.units.points.tables.points_detail.id-source=APPLICATION",
                "--dualwrite.units.points.stage=OLD_ONLY",
                "--spring.jpa.hibernate.ddl-auto=none",
                "--spring.jpa.open-in-view=false",
                "--spring.jpa.database-platform=" + hibernateDialect(),
                "--spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false",
                "--spring.sql.init.mode=never");
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        TestSides.close();
    }

    @Test
    void commitAndRollbackOnTheSidesOfEveryStage() {
        PointsTx service = app.getBean(PointsTx.class);
        MigrationControl control = app.getBean(MigrationControl.class);
        for (Stage stage : Stage.values()) {
            move(control, stage);
            long user = 100 + 7L * stage.ordinal();
            long id = user * 10;
            boolean onOld = stage.writesBoth() || stage.authority() == Side.OLD;
            boolean onNew = stage.writesBoth() || stage.authority() == Side.NEW;

            service.open(id, user, 50, false);
            assertRows(stage + " commit", id, user, onOld, onNew, 100);
            assertThat(service.read(id, user)).as(stage + " read from " + stage.readSide()).containsExactly(100, 100);

            service.setBalance(id, user, 75, false);
            assertRows(stage + " update", id, user, onOld, onNew, 75);
            assertThatThrownBy(() -> service.setBalance(id, user, 999, true)).isInstanceOf(IllegalStateException.class);
            assertRows(stage + " update rolled back", id, user, onOld, onNew, 75);

            long other = user + 1;
            assertThatThrownBy(() -> service.open(other * 10, other, 5, true)).isInstanceOf(IllegalStateException.class);
            assertRows(stage + " rollback", other * 10, other, false, false, 0);

            service.close(id, user);
            assertRows(stage + " delete", id, user, false, false, 0);
        }
    }

    private void assertRows(String what, long id, long user, boolean onOld, boolean onNew, long balance) {
        check(what + " on OLD", pair.queryOld("SELECT balance FROM points_account WHERE id = ?", id),
                pair.queryOld("SELECT id FROM points_detail WHERE user_id = ?", user), onOld, balance);
        check(what + " on NEW", pair.queryNew("SELECT balance FROM points_account WHERE user_id = ? AND id = ?", user, id),
                pair.queryNew("SELECT id FROM points_detail WHERE user_id = ?", user), onNew, balance);
    }

    private static void check(String what, List<Map<String, Object>> account, List<Map<String, Object>> details,
                              boolean present, long balance) {
        if (present) {
            assertThat(account).as(what).hasSize(1);
            assertThat(((Number) account.get(0).values().iterator().next()).longValue()).as(what).isEqualTo(balance);
            assertThat(details).as(what).hasSize(2);
        } else {
            assertThat(account).as(what).isEmpty();
            assertThat(details).as(what).isEmpty();
        }
    }

    /** One legal step (the walk goes forward one stage at a time). */
    private static void move(MigrationControl control, Stage stage) {
        MigrationConfig config = control.current().config();
        UnitConfig unit = config.unit("points").orElseThrow();
        if (unit.stage() != stage) {
            control.apply(config.withUnit(unit.withStage(stage).withGray(UnitConfig.Gray.none(stage))), "test")
                    .orThrow();
        }
    }
}
