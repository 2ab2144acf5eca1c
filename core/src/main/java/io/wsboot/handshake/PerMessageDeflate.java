package io.wsboot.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

import org.springframework.util.Assert;

/**
 * The permessage-deflate negotiation of RFC 7692 §7: the client's offers read to the
 * letter, the first acceptable one accepted with the server's settings, and Netty's
 * extension handler installed where Reactor Netty installs its own, given that offer
 * alone so that it answers and sets up the compressor and decompressor as agreed.
 * <p>
 * Every valid combination of {@code server_no_context_takeover},
 * {@code client_no_context_takeover}, {@code server_max_window_bits} and
 * {@code client_max_window_bits} is acceptable, except a server window below 15 bits
 * without JZlib on the class path (the JDK's zlib compresses with 15 bits only) and a
 * server window of 8 bits (zlib compresses with 9 at least): such an offer is declined
 * and the next one is tried. An offer with an unknown or repeated parameter, or a value
 * out of range, is declined (§7.1).
 */
final class PerMessageDeflate {

	static final String NAME = "permessage-deflate";

	private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

	private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";

	private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";

	private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

	private static final int MAX_WINDOW_BITS = 15;

	/** The smallest window zlib compresses with. */
	private static final int MIN_SERVER_WINDOW_BITS = 9;

	private static final int MIN_WINDOW_BITS = 8;

	private static final String HANDLER_NAME = "wsboot.permessageDeflate";

	private final boolean serverNoContextTakeover;

	private final int serverMaxWindowBits;

	private final boolean clientNoContextTakeover;

	private final int maxAllocation;

	private final boolean windowBitsSupported;

	/**
	 * Create a negotiation.
	 * @param serverNoContextTakeover whether the server compresses each message on its
	 * own even when the client does not ask for it
	 * @param serverMaxWindowBits the largest window the server compresses with
	 * @param clientNoContextTakeover whether to ask clients to compress each message on
	 * its own
	 * @param maxAllocation the most bytes a message may inflate to
	 */
	PerMessageDeflate(boolean serverNoContextTakeover, int serverMaxWindowBits, boolean clientNoContextTakeover,
			int maxAllocation) {
		this(serverNoContextTakeover, serverMaxWindowBits, clientNoContextTakeover, maxAllocation,
				ZlibCodecFactory.isSupportingWindowSizeAndMemLevel());
	}

	PerMessageDeflate(boolean serverNoContextTakeover, int serverMaxWindowBits, boolean clientNoContextTakeover,
			int maxAllocation, boolean windowBitsSupported) {
		Assert.isTrue(serverMaxWindowBits >= MIN_SERVER_WINDOW_BITS && serverMaxWindowBits <= MAX_WINDOW_BITS,
				"'serverMaxWindowBits' must be between 9 and 15");
		Assert.state(serverMaxWindowBits == MAX_WINDOW_BITS || windowBitsSupported,
				() -> "A server window of " + serverMaxWindowBits + " bits (wsboot.compression.server-max-window-bits) "
						+ "needs JZlib (com.jcraft:jzlib) on the class path: the JDK's zlib compresses with 15 bits");
		this.serverNoContextTakeover = serverNoContextTakeover;
		this.serverMaxWindowBits = serverMaxWindowBits;
		this.clientNoContextTakeover = clientNoContextTakeover;
		this.maxAllocation = maxAllocation;
		this.windowBitsSupported = windowBitsSupported;
	}

	/**
	 * Accept the first acceptable permessage-deflate offer of a request.
	 * @param headerValues the values of the request's {@code Sec-WebSocket-Extensions}
	 * headers, or {@code null}
	 * @return the agreed parameters, or {@code null} when no offer is acceptable
	 */
	@Nullable Agreement negotiate(@Nullable List<String> headerValues) {
		if (headerValues == null) {
			return null;
		}
		for (String value : headerValues) {
			for (String offer : split(value, ',')) {
				Agreement agreement = accept(offer);
				if (agreement != null) {
					return agreement;
				}
			}
		}
		return null;
	}

	private @Nullable Agreement accept(String offer) {
		List<String> parts = split(offer, ';');
		if (parts.isEmpty() || !NAME.equalsIgnoreCase(parts.get(0))) {
			return null;
		}
		boolean serverNoContext = this.serverNoContextTakeover;
		boolean clientNoContext = this.clientNoContextTakeover;
		int serverWindowBits = this.serverMaxWindowBits;
		boolean clientWindowBits = false;
		List<String> seen = new ArrayList<>();
		for (String parameter : parts.subList(1, parts.size())) {
			int equals = parameter.indexOf('=');
			String name = ((equals < 0) ? parameter : parameter.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
			String value = (equals < 0) ? null : unquote(parameter.substring(equals + 1).trim());
			if (seen.contains(name)) {
				return null;
			}
			seen.add(name);
			switch (name) {
				case SERVER_NO_CONTEXT_TAKEOVER -> {
					if (value != null) {
						return null;
					}
					serverNoContext = true;
				}
				case CLIENT_NO_CONTEXT_TAKEOVER -> {
					if (value != null) {
						return null;
					}
				}
				case SERVER_MAX_WINDOW_BITS -> {
					int bits = windowBits(value);
					if (bits < 0) {
						return null;
					}
					serverWindowBits = Math.min(serverWindowBits, bits);
				}
				case CLIENT_MAX_WINDOW_BITS -> {
					if (value != null && windowBits(value) < 0) {
						return null;
					}
					clientWindowBits = true;
				}
				default -> {
					return null;
				}
			}
		}
		if (serverWindowBits < MIN_SERVER_WINDOW_BITS
				|| (serverWindowBits < MAX_WINDOW_BITS && !this.windowBitsSupported)) {
			return null;
		}
		return new Agreement(serverNoContext, serverWindowBits, clientNoContext, clientWindowBits);
	}

	/**
	 * The value of a window-bits parameter: a decimal between 8 and 15 without leading
	 * zeros (RFC 7692 §7.1.2), or -1.
	 */
	private static int windowBits(@Nullable String value) {
		if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
			return -1;
		}
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) < '0' || value.charAt(i) > '9') {
				return -1;
			}
		}
		int bits = Integer.parseInt(value);
		return (bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS) ? bits : -1;
	}

	private static @Nullable String unquote(String value) {
		if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
			return value.substring(1, value.length() - 1);
		}
		return (value.indexOf('"') >= 0) ? "" : value;
	}

	private static List<String> split(String value, char separator) {
		List<String> parts = new ArrayList<>();
		int start = 0;
		while (start <= value.length()) {
			int end = value.indexOf(separator, start);
			if (end < 0) {
				end = value.length();
			}
			String part = value.substring(start, end).trim();
			if (!part.isEmpty() || separator == ';') {
				parts.add(part);
			}
			start = end + 1;
		}
		return parts;
	}

	/**
	 * Install Netty's extension handler for an agreement, where Reactor Netty installs
	 * its own, before the upgrade's response is written: the handler adds the
	 * {@code Sec-WebSocket-Extensions} answer to the 101 and, once it is sent, the
	 * compressor and decompressor.
	 * @param channel the connection's channel
	 * @param agreement the agreed parameters
	 * @throws Exception when Netty's handler fails
	 */
	void install(Channel channel, Agreement agreement) throws Exception {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.CompressionHandler) != null) {
			pipeline.remove(NettyPipeline.CompressionHandler);
		}
		WebSocketServerExtensionHandler handler = new WebSocketServerExtensionHandler(
				new PerMessageDeflateServerExtensionHandshaker(6, true, MAX_WINDOW_BITS, true, true,
						this.maxAllocation));
		HttpRequest offer = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
		offer.headers()
			.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
			.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, agreement.offer());
		// As Reactor Netty does: the handler reads the offer, which then ends in the tail
		handler.channelRead(pipeline.context(NettyPipeline.ReactiveBridge), offer);
		String codec = (pipeline.get(NettyPipeline.HttpCodec) != null) ? NettyPipeline.HttpCodec
				: pipeline.context(HttpServerCodec.class).name();
		pipeline.addAfter(codec, HANDLER_NAME, handler);
	}

	/**
	 * The parameters agreed with a client.
	 *
	 * @param serverNoContextTakeover whether the server compresses each message on its
	 * own
	 * @param serverMaxWindowBits the window the server compresses with
	 * @param clientNoContextTakeover whether the client is asked to compress each message
	 * on its own
	 * @param clientMaxWindowBits whether the client offered to limit its window (it is
	 * left at the client's choice)
	 */
	record Agreement(boolean serverNoContextTakeover, int serverMaxWindowBits, boolean clientNoContextTakeover,
			boolean clientMaxWindowBits) {

		/**
		 * The offer, reduced to the agreement, that Netty's handshaker accepts as agreed.
		 */
		String offer() {
			StringBuilder offer = new StringBuilder(NAME);
			if (this.serverNoContextTakeover) {
				offer.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
			}
			if (this.clientNoContextTakeover) {
				offer.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
			}
			if (this.serverMaxWindowBits < MAX_WINDOW_BITS) {
				offer.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(this.serverMaxWindowBits);
			}
			if (this.clientMaxWindowBits) {
				offer.append("; ").append(CLIENT_MAX_WINDOW_BITS);
			}
			return offer.toString();
		}

	}

}
