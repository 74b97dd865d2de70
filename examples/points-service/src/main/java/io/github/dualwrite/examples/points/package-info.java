/**
 * The points-service example: a Spring Boot REST service (add, spend, balance, history over
 * {@code points_account} and {@code points_detail} by {@code user_id}) migrated by the dualwrite starter.
 */
package io.github.dualwrite.examples.points;
