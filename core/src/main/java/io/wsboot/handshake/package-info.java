/**
 * The handshake: the WebFlux handler mapping that claims upgrade requests on the
 * endpoint's path, the transport checks of RFC 6455 (with the origin policy), the
 * {@link io.wsboot.HandshakeInterceptor} and the upgrade through Reactor Netty. Internal:
 * applications configure the endpoint with {@code wsboot.*} properties and a
 * {@code HandshakeInterceptor} bean.
 */
@NullMarked
package io.wsboot.handshake;

import org.jspecify.annotations.NullMarked;
