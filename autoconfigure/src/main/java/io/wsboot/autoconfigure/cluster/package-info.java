/**
 * Auto-configuration of the wsboot cluster (scale-out through Redis).
 */
@NullMarked
package io.wsboot.autoconfigure.cluster;

import org.jspecify.annotations.NullMarked;
