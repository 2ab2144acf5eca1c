/**
 * Actuator endpoint of the wsboot cluster.
 */
@NullMarked
package io.wsboot.cluster.actuate;

import org.jspecify.annotations.NullMarked;
