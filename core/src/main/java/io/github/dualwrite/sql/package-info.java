/**
 * SQL classification: what a statement does, which tables it touches and where the routing-key and
 * primary-key values are, read with ShardingSphere's SQL parser and cached per SQL text
 * ({@link io.github.dualwrite.sql.SqlClassifier}).
 */
package io.github.dualwrite.sql;
