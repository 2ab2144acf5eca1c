/**
 * Micrometer meters of a wsboot cluster node.
 */
@NullMarked
package io.wsboot.cluster.metrics;

import org.jspecify.annotations.NullMarked;
