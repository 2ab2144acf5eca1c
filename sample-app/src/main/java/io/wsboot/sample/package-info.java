/**
 * The OpenSwoole handshake example, ported to wsboot.
 */
@NullMarked
package io.wsboot.sample;

import org.jspecify.annotations.NullMarked;
