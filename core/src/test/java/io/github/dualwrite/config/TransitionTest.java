package io.github.dualwrite.config;

import static io.github.dualwrite.config.Stage.DUAL_WRITE;
import static io.github.dualwrite.config.Stage.NEW_ONLY;
import static io.github.dualwrite.config.Stage.NEW_PRIMARY;
import static io.github.dualwrite.config.Stage.OLD_ONLY;
import static io.github.dualwrite.config.Stage.READ_NEW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransitionTest {

    /** The way-back column of the design's stage table, plus one step forward everywhere. */
    private static final Set<List<Stage>> LEGAL = Set.of(
            List.of(OLD_ONLY, DUAL_WRITE), List.of(DUAL_WRITE, READ_NEW), List.of(READ_NEW, NEW_PRIMARY),
            List.of(NEW_PRIMARY, NEW_ONLY),
            List.of(DUAL_WRITE, OLD_ONLY), List.of(READ_NEW, DUAL_WRITE), List.of(NEW_PRIMARY, READ_NEW),
            List.of(NEW_PRIMARY, DUAL_WRITE));

    @Test
    void everyPairOfStagesIsLegalExactlyWhenTheDesignSaysSo() {
        List<String> checked = new ArrayList<>();
        for (Stage from : Stage.values()) {
            for (Stage to : Stage.values()) {
                boolean expected = from == to || LEGAL.contains(List.of(from, to));
                assertThat(Transition.isLegal(from, to)).as(from + " -> " + to).isEqualTo(expected);
                assertThat(Transition.whyIllegal(from, to).isPresent()).as(from + " -> " + to).isEqualTo(!expected);
                assertThat(Transition.between(from, to).isPresent()).as(from + " -> " + to)
                        .isEqualTo(from != to && expected);
                checked.add(from + "->" + to);
            }
        }
        assertThat(checked).hasSize(25);
    }

    @Test
    void transitionsAreDataWithOneConstantPerLegalMove() {
        assertThat(Transition.values()).hasSize(LEGAL.size());
        for (Transition t : Transition.values()) {
            assertThat(LEGAL).contains(List.of(t.from(), t.to()));
        }
        assertThat(Transition.between(READ_NEW, NEW_PRIMARY)).contains(Transition.PROMOTE_NEW);
    }

    @Test
    void reasonsTellTheOperatorWhatToDoInstead() {
        assertThat(Transition.whyIllegal(OLD_ONLY, READ_NEW)).hasValueSatisfying(why ->
                assertThat(why).contains("skips DUAL_WRITE").contains("OLD_ONLY -> DUAL_WRITE"));
        assertThat(Transition.whyIllegal(NEW_ONLY, NEW_PRIMARY)).hasValueSatisfying(why ->
                assertThat(why).contains("reverse sync").contains("force: true"));
        assertThat(Transition.whyIllegal(READ_NEW, OLD_ONLY)).hasValueSatisfying(why ->
                assertThat(why).contains("READ_NEW -> DUAL_WRITE"));
    }

    @Test
    void stagesMapToSides() {
        assertThat(DUAL_WRITE.authority()).isEqualTo(Side.OLD);
        assertThat(DUAL_WRITE.secondary()).isEqualTo(Side.NEW);
        assertThat(READ_NEW.readSide()).isEqualTo(Side.NEW);
        assertThat(READ_NEW.shadowSide()).isEqualTo(Side.OLD);
        assertThat(NEW_PRIMARY.authority()).isEqualTo(Side.NEW);
        assertThat(NEW_PRIMARY.secondary()).isEqualTo(Side.OLD);
        assertThat(OLD_ONLY.writesBoth()).isFalse();
        assertThat(NEW_ONLY.secondary()).isNull();
        assertThat(NEW_ONLY.shadowSide()).isNull();
    }
}
