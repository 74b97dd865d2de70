/**
 * Where the ids of INSERTs that omit them come from once the old side's AUTO_INCREMENT can no longer be the
 * id authority: {@link io.github.dualwrite.ids.IdGenerator} (your own, e.g. a Snowflake generator) and
 * {@link io.github.dualwrite.ids.SegmentSequence}, a segment allocator in the style of Leaf-segment and TDDL
 * sequences. The dual-write engine puts the ids into every such INSERT, so both sides store the same id.
 */
package io.github.dualwrite.ids;
