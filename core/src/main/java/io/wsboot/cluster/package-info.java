/**
 * Scale-out of the wsboot WebSocket server: several nodes that reach each other's
 * connections through Redis.
 */
@NullMarked
package io.wsboot.cluster;

import org.jspecify.annotations.NullMarked;
