/**
 * Auto-configuration of the wsboot WebSocket server.
 */
@NullMarked
package io.wsboot.autoconfigure;

import org.jspecify.annotations.NullMarked;
