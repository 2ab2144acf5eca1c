package io.wsboot;

import java.util.List;

import org.springframework.util.Assert;

/**
 * The built-in RFC 6455 version-13 handshake: selects the first subprotocol in the
 * client's order that is in the configured list ({@code wsboot.subprotocols}), answers
 * without {@code Sec-WebSocket-Protocol} when none matches, and accepts with 101.
 * <p>
 * With this interceptor a {@link WebSocketOpenEvent} is published for every established
 * connection.
 *
 * @since 0.1.0
 */
public class DefaultHandshakeInterceptor implements HandshakeInterceptor {

	private final List<String> subprotocols;

	/**
	 * Create an interceptor that selects from the given subprotocols.
	 * @param subprotocols the subprotocols the server speaks
	 */
	public DefaultHandshakeInterceptor(List<String> subprotocols) {
		Assert.notNull(subprotocols, "'subprotocols' must not be null");
		this.subprotocols = List.copyOf(subprotocols);
	}

	/**
	 * Return the subprotocols this interceptor selects from.
	 * @return the subprotocols
	 */
	public List<String> getSubprotocols() {
		return this.subprotocols;
	}

	@Override
	public boolean handshake(HandshakeRequest request, HandshakeResponse response) {
		if (!this.subprotocols.isEmpty()) {
			for (String offered : request.getOfferedSubprotocols()) {
				if (this.subprotocols.contains(offered)) {
					response.header("Sec-WebSocket-Protocol", offered);
					break;
				}
			}
		}
		response.status(101);
		response.end();
		return true;
	}

}
