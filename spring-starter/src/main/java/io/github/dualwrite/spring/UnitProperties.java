package io.github.dualwrite.spring;

import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.TableConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One migration unit under {@code dualwrite.units.<name>}: the same keys as {@code units.<name>} of the core
 * migration document (see the README), bound by Spring. Unset values take the document's defaults.
 */
public class UnitProperties {

    /** Column holding the user id the unit is routed and grayed by, e.g. user_id. */
    private String routingColumn;

    /** The unit's tables by name; a table with no settings uses primary key id and id-source OLD. */
    private Map<String, Table> tables = new LinkedHashMap<>();

    /** Base stage of the unit: OLD_ONLY, DUAL_WRITE, READ_NEW, NEW_PRIMARY or NEW_ONLY. */
    private Stage stage;

    /** Gray share: the users that are in the gray stage instead of the base stage. */
    private final Gray gray = new Gray();

    /** Shadow reads: a sampled share of reads also runs on the other side and is compared. */
    private final ShadowRead shadowRead = new ShadowRead();

    public String getRoutingColumn() {
        return routingColumn;
    }

    public void setRoutingColumn(String routingColumn) {
        this.routingColumn = routingColumn;
    }

    public Map<String, Table> getTables() {
        return tables;
    }

    public void setTables(Map<String, Table> tables) {
        this.tables = tables;
    }

    public Stage getStage() {
        return stage;
    }

    public void setStage(Stage stage) {
        this.stage = stage;
    }

    public Gray getGray() {
        return gray;
    }

    public ShadowRead getShadowRead() {
        return shadowRead;
    }

    /** A table of a unit ({@code dualwrite.units.<unit>.tables.<table>}). */
    public static class Table {

        /** Primary-key column(s), in key order. */
        private List<String> primaryKey = new ArrayList<>(List.of("id"));

        /** Column that changes on every write (e.g. gmt_modified), for the incremental verify. */
        private String versionColumn;

        /** Where ids of INSERTs without primary key come from: OLD, SEQUENCE, GENERATOR or APPLICATION. */
        private TableConfig.IdSource idSource;

        /** Old column name to new column name, for a new schema that renamed columns. */
        private Map<String, String> columnMap = new LinkedHashMap<>();

        public List<String> getPrimaryKey() {
            return primaryKey;
        }

        public void setPrimaryKey(List<String> primaryKey) {
            this.primaryKey = primaryKey;
        }

        public String getVersionColumn() {
            return versionColumn;
        }

        public void setVersionColumn(String versionColumn) {
            this.versionColumn = versionColumn;
        }

        public TableConfig.IdSource getIdSource() {
            return idSource;
        }

        public void setIdSource(TableConfig.IdSource idSource) {
            this.idSource = idSource;
        }

        public Map<String, String> getColumnMap() {
            return columnMap;
        }

        public void setColumnMap(Map<String, String> columnMap) {
            this.columnMap = columnMap;
        }
    }

    /** The gray share of a unit ({@code dualwrite.units.<unit>.gray}). */
    public static class Gray {

        /** Stage of gray users: the base stage or one next to it. Defaults to the base stage. */
        private Stage stage;

        /** Basis points of users (by bucket = user id mod 10000) in the gray stage, 0..10000. */
        private Integer ratio;

        /** Users always gray. */
        private List<String> whitelist = new ArrayList<>();

        /** Users never gray (the whitelist wins). */
        private List<String> blacklist = new ArrayList<>();

        public Stage getStage() {
            return stage;
        }

        public void setStage(Stage stage) {
            this.stage = stage;
        }

        public Integer getRatio() {
            return ratio;
        }

        public void setRatio(Integer ratio) {
            this.ratio = ratio;
        }

        public List<String> getWhitelist() {
            return whitelist;
        }

        public void setWhitelist(List<String> whitelist) {
            this.whitelist = whitelist;
        }

        public List<String> getBlacklist() {
            return blacklist;
        }

        public void setBlacklist(List<String> blacklist) {
            this.blacklist = blacklist;
        }
    }

    /** Shadow reads of a unit ({@code dualwrite.units.<unit>.shadow-read}). */
    public static class ShadowRead {

        /** Share of reads compared against the other side, 0.0..1.0. */
        private Double sampleRate;

        /** Columns left out of the comparison (e.g. columns the new schema fills differently). */
        private List<String> ignoreColumns = new ArrayList<>();

        public Double getSampleRate() {
            return sampleRate;
        }

        public void setSampleRate(Double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public List<String> getIgnoreColumns() {
            return ignoreColumns;
        }

        public void setIgnoreColumns(List<String> ignoreColumns) {
            this.ignoreColumns = ignoreColumns;
        }
    }
}
