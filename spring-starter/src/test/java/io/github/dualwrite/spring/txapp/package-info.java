/** A small application with JdbcTemplate, a MyBatis mapper and a JPA repository in one transaction. */
package io.github.dualwrite.spring.txapp;
