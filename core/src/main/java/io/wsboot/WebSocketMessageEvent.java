package io.wsboot;

import org.springframework.context.ApplicationEvent;

/**
 * Published for every message a client sends, as OpenSwoole's {@code Message} event: text
 * and binary messages (fragments reassembled) and, when configured
 * ({@code wsboot.deliver-ping-frames} and its siblings), ping, pong and close frames.
 * <p>
 * The events of one connection are published in order and never concurrently, on the
 * thread that runs the connection's listeners ({@code wsboot.listener-execution}).
 *
 * @since 0.1.0
 */
public class WebSocketMessageEvent extends ApplicationEvent {

	private final Frame frame;

	/**
	 * Create an event.
	 * @param server the server
	 * @param frame the frame received
	 */
	public WebSocketMessageEvent(WebSocketServer server, Frame frame) {
		super(server);
		this.frame = frame;
	}

	@Override
	public WebSocketServer getSource() {
		return (WebSocketServer) super.getSource();
	}

	/**
	 * Return the frame received.
	 * @return the frame
	 */
	public Frame getFrame() {
		return this.frame;
	}

	/**
	 * Return the connection's fd.
	 * @return the fd
	 */
	public long getFd() {
		return this.frame.getFd();
	}

}
