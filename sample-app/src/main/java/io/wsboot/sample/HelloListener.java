package io.wsboot.sample;

import java.time.Duration;
import java.time.Instant;

import io.wsboot.Frame;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The {@code Open}, {@code Message} and {@code Close} callbacks of the OpenSwoole
 * example: each connection gets {@code ["hello",<unix seconds>]} every second and in
 * answer to every message it sends.
 *
 * @since 0.1.0
 */
@Component
class HelloListener {

	private static final Log logger = LogFactory.getLog(HelloListener.class);

	private static final Duration HELLO_INTERVAL = Duration.ofMillis(1000);

	private final WebSocketServer server;

	HelloListener(WebSocketServer server) {
		this.server = server;
	}

	/**
	 * Log the new connection and start its hello timer, which ends with the connection.
	 * @param fd the connection
	 */
	void open(long fd) {
		logger.info("connection open: " + fd);
		this.server.tick(fd, HELLO_INTERVAL, () -> this.server.push(fd, hello()));
	}

	@EventListener
	void onMessage(WebSocketMessageEvent event) {
		Frame frame = event.getFrame();
		if (frame.getOpcode().isControl()) {
			// Only delivered when wsboot.deliver-*-frames asks for them
			return;
		}
		logger.info("received message: " + frame.getData());
		this.server.push(frame.getFd(), hello());
	}

	@EventListener
	void onClose(WebSocketCloseEvent event) {
		logger.info("connection close: " + event.getFd());
	}

	/**
	 * Return the example's message, the JSON {@code ["hello",<unix seconds>]}.
	 * @return the message
	 */
	static String hello() {
		return "[\"hello\"," + Instant.now().getEpochSecond() + "]";
	}

}
