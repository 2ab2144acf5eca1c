/**
 * Delivery of the WebSocket events to the application's listeners: Spring's own
 * mechanisms, with the per-event work done once where Spring allows it.
 */
@NullMarked
package io.wsboot.event;

import org.jspecify.annotations.NullMarked;
