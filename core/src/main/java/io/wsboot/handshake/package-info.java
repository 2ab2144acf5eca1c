/**
 * The rules a handshake request is checked against before the application's
 * {@link io.wsboot.HandshakeInterceptor} sees it. Internal: applications configure them
 * through {@code wsboot.*} properties.
 */
@NullMarked
package io.wsboot.handshake;

import org.jspecify.annotations.NullMarked;
