package io.wsboot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention of the {@link WsbootObservationDocumentation#MESSAGE} observation; a bean of
 * this type replaces {@link DefaultMessageObservationConvention}.
 *
 * @since 0.1.0
 */
public interface MessageObservationConvention extends ObservationConvention<MessageObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MessageObservationContext;
	}

}
