package io.wsboot.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the wsboot WebSocket server.
 *
 * @since 0.1.0
 */
public enum WsbootObservationDocumentation implements ObservationDocumentation {

	/**
	 * A WebSocket handshake, from the transport checks to the 101 or the refusal.
	 */
	HANDSHAKE {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultHandshakeObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return HandshakeKeyNames.values();
		}
	},

	/**
	 * The handling of one received message by the application's listeners.
	 */
	MESSAGE {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMessageObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return MessageKeyNames.values();
		}
	};

	/**
	 * Low-cardinality keys of {@link #HANDSHAKE}.
	 */
	public enum HandshakeKeyNames implements KeyName {

		/**
		 * {@code accepted} or {@code rejected}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * The HTTP status of the answer.
		 */
		STATUS {
			@Override
			public String asString() {
				return "status";
			}
		},

		/**
		 * The endpoint's path pattern.
		 */
		PATH {
			@Override
			public String asString() {
				return "path";
			}
		}

	}

	/**
	 * Low-cardinality keys of {@link #MESSAGE}.
	 */
	public enum MessageKeyNames implements KeyName {

		/**
		 * {@code text}, {@code binary}, {@code ping}, {@code pong} or {@code close}.
		 */
		TYPE {
			@Override
			public String asString() {
				return "type";
			}
		}

	}

}
