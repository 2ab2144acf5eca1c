package io.wsboot.observation;

import io.micrometer.common.KeyValues;
import io.wsboot.metrics.WsbootMeters.HandshakeKeys;
import io.wsboot.observation.WsbootObservationDocumentation.HandshakeKeyNames;

/**
 * Default {@link HandshakeObservationConvention}: named {@code wsboot.handshake}, with
 * the outcome, the status and the path pattern as low-cardinality keys and the fd as a
 * high-cardinality one.
 *
 * @since 0.1.0
 */
public class DefaultHandshakeObservationConvention implements HandshakeObservationConvention {

	@Override
	public String getName() {
		return "wsboot.handshake";
	}

	@Override
	public String getContextualName(HandshakeObservationContext context) {
		return "websocket handshake";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HandshakeObservationContext context) {
		int status = context.getStatus();
		return KeyValues.of(HandshakeKeyNames.OUTCOME.withValue(HandshakeKeys.outcome(status)),
				HandshakeKeyNames.STATUS.withValue(String.valueOf(status)),
				HandshakeKeyNames.PATH.withValue(context.getPathPattern()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HandshakeObservationContext context) {
		return KeyValues.of("fd", String.valueOf(context.getFd()));
	}

}
