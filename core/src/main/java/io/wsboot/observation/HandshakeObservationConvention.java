package io.wsboot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention of the {@link WsbootObservationDocumentation#HANDSHAKE} observation; a bean
 * of this type replaces {@link DefaultHandshakeObservationConvention}.
 *
 * @since 0.1.0
 */
public interface HandshakeObservationConvention extends ObservationConvention<HandshakeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HandshakeObservationContext;
	}

}
