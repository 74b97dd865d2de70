/**
 * MyBatis integration: routing keys taken from mapper parameters and per-statement control.
 * Not implemented yet; this module holds its place in the build.
 */
package io.github.dualwrite.mybatis;
