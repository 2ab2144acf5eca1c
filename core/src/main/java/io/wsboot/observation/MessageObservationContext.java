package io.wsboot.observation;

import io.micrometer.observation.Observation;
import io.wsboot.Frame;

/**
 * Context of the {@link WsbootObservationDocumentation#MESSAGE} observation.
 *
 * @since 0.1.0
 */
public class MessageObservationContext extends Observation.Context {

	private final Frame frame;

	/**
	 * Create a context.
	 * @param frame the message received
	 */
	public MessageObservationContext(Frame frame) {
		this.frame = frame;
	}

	/**
	 * Return the message received.
	 * @return the frame
	 */
	public Frame getFrame() {
		return this.frame;
	}

}
