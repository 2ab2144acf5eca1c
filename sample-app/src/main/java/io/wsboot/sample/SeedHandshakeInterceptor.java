package io.wsboot.sample;

import java.util.Base64;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.HandshakeRequest;
import io.wsboot.HandshakeResponse;
import io.wsboot.WebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;

/**
 * The handshake of the OpenSwoole example: refuses a {@code Sec-WebSocket-Key} of the
 * wrong shape, answers with the headers of RFC 6455 §4.2.2 and the first subprotocol the
 * client offered, and runs the open logic through
 * {@link WebSocketServer#defer(Runnable)}, since no {@link io.wsboot.WebSocketOpenEvent}
 * is published for a custom handshake.
 * <p>
 * The benchmarks run it too, with open logic of their own.
 *
 * @since 0.1.0
 */
public class SeedHandshakeInterceptor implements HandshakeInterceptor {

	private static final Log logger = LogFactory.getLog(SeedHandshakeInterceptor.class);

	private static final Pattern KEY_PATTERN = Pattern.compile("^[+/0-9A-Za-z]{21}[AQgw]==$");

	private static final int KEY_LENGTH = 16;

	private final WebSocketServer server;

	private final LongConsumer open;

	/**
	 * Create the interceptor.
	 * @param server the server, whose {@code defer} runs the open logic
	 * @param open the open logic, given the connection's fd: it runs once the connection
	 * is established, before any of its messages
	 */
	public SeedHandshakeInterceptor(WebSocketServer server, LongConsumer open) {
		this.server = server;
		this.open = open;
	}

	@Override
	public boolean handshake(HandshakeRequest request, HandshakeResponse response) {
		String key = request.getHeader("Sec-WebSocket-Key");
		if (key == null || !isValidKey(key)) {
			response.status(HttpStatus.BAD_REQUEST.value());
			response.end();
			return false;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Sec-WebSocket-Key: " + key);
		}
		response.header("Upgrade", "websocket");
		response.header("Connection", "Upgrade");
		response.header("Sec-WebSocket-Accept", HandshakeInterceptor.acceptKey(key));
		response.header("Sec-WebSocket-Version", "13");
		List<String> offered = request.getOfferedSubprotocols();
		if (!offered.isEmpty()) {
			// The seed echoes the whole header, which a client that offered several
			// rejects: answer with the first one offered instead
			response.header("Sec-WebSocket-Protocol", offered.get(0));
		}
		response.status(HttpStatus.SWITCHING_PROTOCOLS.value());
		response.end();
		logger.info("connected!");
		long fd = request.getFd();
		this.server.defer(() -> this.open.accept(fd));
		return true;
	}

	private static boolean isValidKey(String key) {
		if (!KEY_PATTERN.matcher(key).matches()) {
			return false;
		}
		try {
			return Base64.getDecoder().decode(key).length == KEY_LENGTH;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
