/**
 * Actuator endpoint and health indicator of the wsboot WebSocket server.
 */
@NullMarked
package io.wsboot.actuate;

import org.jspecify.annotations.NullMarked;
