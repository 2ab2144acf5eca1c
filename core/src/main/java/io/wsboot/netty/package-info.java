/**
 * Implementation of the wsboot WebSocket server on Spring WebFlux and Reactor Netty.
 */
@NullMarked
package io.wsboot.netty;

import org.jspecify.annotations.NullMarked;
