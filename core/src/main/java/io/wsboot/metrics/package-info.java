/**
 * Micrometer meters of the wsboot WebSocket server: their documentation and the binder
 * that registers them.
 */
@NullMarked
package io.wsboot.metrics;

import org.jspecify.annotations.NullMarked;
