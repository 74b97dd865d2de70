/**
 * dualwrite: move live tables from an old database to a new sharded one without stopping the business.
 *
 * <p><b>The front door is {@link io.github.dualwrite.DualWriteDataSource}</b>: build it over the old and the
 * new (ShardingSphere) DataSource with a {@link io.github.dualwrite.config.MigrationControl}, and hand it to
 * the application, MyBatis or a pool in place of the old DataSource. Beside it:
 * <ul>
 *   <li>{@link io.github.dualwrite.DualWrite} — a routing scope ({@code routeBy(userId)}) and statement hints
 *       for application code;</li>
 *   <li>{@link io.github.dualwrite.StatementRoute} — what {@code explain} answers: where a statement would go
 *       and why;</li>
 *   <li>{@link io.github.dualwrite.DualWriteStats} — the data source's counters.</li>
 * </ul>
 * The other packages hold the switch ({@code config}: {@code MigrationControl}, file and table sources), the
 * routing rules ({@code routing}), the journal of secondary writes that did not apply ({@code journal}), the
 * convergence tools ({@code sync}: backfill, verify, repair, preflight), id sources ({@code ids}), Micrometer
 * binding ({@code metrics}) and the operator's command line ({@code cli}).
 *
 * <p>Everything else in this package is package-private implementation: the JDBC wrappers stay thin and one
 * class, {@code Execution}, decides and runs every routed statement (see {@code docs/architecture.md}).
 */
package io.github.dualwrite;
