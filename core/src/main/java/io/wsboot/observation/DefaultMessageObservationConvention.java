package io.wsboot.observation;

import java.util.Locale;

import io.micrometer.common.KeyValues;
import io.wsboot.observation.WsbootObservationDocumentation.MessageKeyNames;

/**
 * Default {@link MessageObservationConvention}: named {@code wsboot.message}, with the
 * message type as a low-cardinality key and the fd as a high-cardinality one.
 *
 * @since 0.1.0
 */
public class DefaultMessageObservationConvention implements MessageObservationConvention {

	@Override
	public String getName() {
		return "wsboot.message";
	}

	@Override
	public String getContextualName(MessageObservationContext context) {
		return "websocket message";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
		return KeyValues
			.of(MessageKeyNames.TYPE.withValue(context.getFrame().getOpcode().name().toLowerCase(Locale.ROOT)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MessageObservationContext context) {
		return KeyValues.of("fd", String.valueOf(context.getFrame().getFd()));
	}

}
