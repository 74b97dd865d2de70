/** The README's main job: a migration walked through on embedded H2. */
package io.github.dualwrite.examples.walkthrough;
