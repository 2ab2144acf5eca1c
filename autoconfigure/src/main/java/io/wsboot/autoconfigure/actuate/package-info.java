/**
 * Auto-configuration of the Actuator endpoint and health indicator of the wsboot
 * WebSocket server.
 */
@NullMarked
package io.wsboot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
