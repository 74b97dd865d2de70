/** The stage walk: the whole migration ramp under load and faults, judged by a ledger of acknowledged writes. */
package io.github.dualwrite.walk;
