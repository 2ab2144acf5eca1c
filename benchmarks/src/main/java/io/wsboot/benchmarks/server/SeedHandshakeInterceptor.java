package io.wsboot.benchmarks.server;

import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.HandshakeRequest;
import io.wsboot.HandshakeResponse;
import io.wsboot.WebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The seed's handshake as the sample application has it
 * ({@code io.wsboot.sample.SeedHandshakeInterceptor}): the key checked by its pattern and
 * decoded, the RFC 6455 §4.2.2 headers written by the interceptor, the first offered
 * subprotocol, and the open logic through {@link WebSocketServer#defer(Runnable)}. Two
 * differences: the per-handshake {@code "connected!"} line is at DEBUG instead of INFO,
 * and the deferred open logic counts the connection instead of starting the seed's
 * one-second hello timer, so that the benchmark measures the handshake, not logging or
 * timers.
 *
 * @since 0.1.0
 */
class SeedHandshakeInterceptor implements HandshakeInterceptor {

	private static final Log logger = LogFactory.getLog(SeedHandshakeInterceptor.class);

	private static final Pattern KEY_PATTERN = Pattern.compile("^[+/0-9A-Za-z]{21}[AQgw]==$");

	private static final int KEY_LENGTH = 16;

	private final WebSocketServer server;

	private final LongAdder opened = new LongAdder();

	SeedHandshakeInterceptor(WebSocketServer server) {
		this.server = server;
	}

	@Override
	public boolean handshake(HandshakeRequest request, HandshakeResponse response) {
		String key = request.getHeader("Sec-WebSocket-Key");
		if (key == null || !isValidKey(key)) {
			response.status(400);
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
			response.header("Sec-WebSocket-Protocol", offered.get(0));
		}
		response.status(101);
		response.end();
		if (logger.isDebugEnabled()) {
			logger.debug("connected!");
		}
		this.server.defer(this.opened::increment);
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
