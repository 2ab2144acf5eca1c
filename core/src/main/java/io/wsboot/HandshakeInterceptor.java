package io.wsboot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Decides a WebSocket handshake, as OpenSwoole's {@code on('Handshake')} callback. The
 * auto-configuration provides {@link DefaultHandshakeInterceptor} (RFC 6455 version 13);
 * a bean of this type defined by the application replaces it.
 * <p>
 * The transport checks of RFC 6455 §4.2.1 (method, {@code Upgrade}, {@code Connection},
 * version, key, origin) have passed when this is called, for both the default and a
 * custom interceptor. To accept, set status {@code 101}, call
 * {@link HandshakeResponse#end()} and return {@code true}. Anything else rejects the
 * handshake with the status, headers and body that were set (400 when no status was set).
 * <p>
 * With a custom interceptor no {@link WebSocketOpenEvent} is published, as in OpenSwoole;
 * tasks given to {@link WebSocketServer#defer(Runnable)} during the call run once the
 * connection is established, so a {@code push} in them is the first frame after the 101
 * response.
 * <p>
 * Called on the Netty event loop that owns the connection: it must not block.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface HandshakeInterceptor {

	/**
	 * The GUID of RFC 6455 §1.3 that is appended to the client's key.
	 */
	String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	/**
	 * Decide the handshake.
	 * @param request the handshake request
	 * @param response the response to fill
	 * @return {@code true} to accept (with status 101 and an ended response)
	 */
	boolean handshake(HandshakeRequest request, HandshakeResponse response);

	/**
	 * Compute the {@code Sec-WebSocket-Accept} value for a client's key (RFC 6455
	 * §4.2.2): base64 of the SHA-1 of the key followed by {@link #WEBSOCKET_GUID}.
	 * @param key the {@code Sec-WebSocket-Key} of the request
	 * @return the accept value
	 */
	static String acceptKey(String key) {
		try {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			sha1.update(key.getBytes(StandardCharsets.US_ASCII));
			sha1.update(WEBSOCKET_GUID.getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(sha1.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

}
