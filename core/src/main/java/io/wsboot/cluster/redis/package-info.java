/**
 * The Redis implementation of the wsboot cluster: node registry, heartbeat and the
 * pub/sub bus between nodes.
 */
@NullMarked
package io.wsboot.cluster.redis;

import org.jspecify.annotations.NullMarked;
