package io.wsboot.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;
import io.wsboot.metrics.WsbootMeters;

/**
 * The observations of the wsboot WebSocket server.
 *
 * @since 0.1.0
 */
public enum WsbootObservationDocumentation implements ObservationDocumentation {

	/**
	 * A WebSocket handshake, from the transport checks to the 101 or the refusal.
	 */
	HANDSHAKE(DefaultHandshakeObservationConvention.class, HandshakeKeyNames.values()),

	/**
	 * The handling of one received message by the application's listeners.
	 */
	MESSAGE(DefaultMessageObservationConvention.class, MessageKeyNames.values());

	private final Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention;

	private final KeyName[] lowCardinalityKeyNames;

	WsbootObservationDocumentation(
			Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention,
			KeyName... lowCardinalityKeyNames) {
		this.defaultConvention = defaultConvention;
		this.lowCardinalityKeyNames = lowCardinalityKeyNames;
	}

	@Override
	public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
		return this.defaultConvention;
	}

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return this.lowCardinalityKeyNames.clone();
	}

	/**
	 * Low-cardinality keys of {@link #HANDSHAKE}: the tags of the
	 * {@link WsbootMeters#HANDSHAKES} meter and the path pattern.
	 */
	public enum HandshakeKeyNames implements KeyName {

		/**
		 * {@code accepted} or {@code rejected}.
		 */
		OUTCOME(WsbootMeters.HandshakeKeys.OUTCOME.asString()),

		/**
		 * The HTTP status of the answer.
		 */
		STATUS(WsbootMeters.HandshakeKeys.STATUS.asString()),

		/**
		 * The endpoint's path pattern.
		 */
		PATH("path");

		private final String key;

		HandshakeKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * Low-cardinality keys of {@link #MESSAGE}.
	 */
	public enum MessageKeyNames implements KeyName {

		/**
		 * {@code text}, {@code binary}, {@code ping}, {@code pong} or {@code close}.
		 */
		TYPE("type");

		private final String key;

		MessageKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
