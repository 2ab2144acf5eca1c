package io.wsboot.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A WebSocket client for tests, in the spirit of {@code WebTestClient}: describe the
 * request fluently, then {@link #connect() connect} to get a
 * {@link WebSocketTestConnection} that sends messages and expects messages and close
 * codes, send a {@link #handshake() raw handshake} to check how the server answers
 * requests a compliant client would not make, or open a {@link #connectRaw() raw
 * connection} to send frames a compliant client would not send. <pre class="code">
 * try (WebSocketTestConnection connection = client.path("/chat/lobby").subprotocols("chat").connect()) {
 * 	connection.sendText("hi").expectText("echo: hi");
 * }
 * client.header("Sec-WebSocket-Version", "8").handshake().expectStatus(426);
 * </pre>
 * <p>
 * A client is immutable: {@link #path(String)}, {@link #header(String, String)} and the
 * other settings return a new client, so one instance (such as the bean of
 * {@link AutoConfigureWebSocketTestClient @AutoConfigureWebSocketTestClient}) can be
 * shared by all tests. Connections use the JDK's {@link java.net.http.WebSocket}; raw
 * handshakes and raw connections use a plain {@link java.net.Socket}. Every wait is
 * bounded by {@link #timeout(Duration)}, {@link #DEFAULT_TIMEOUT} unless set, and a
 * failed expectation throws an {@link AssertionError} that says what was received.
 *
 * @since 0.1.0
 * @see WebSocketTestConnection
 * @see HandshakeResult
 * @see RawWebSocketConnection
 */
public final class WebSocketTestClient {

	/**
	 * Timeout of every wait of a client that was not given another.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private final Supplier<URI> baseUri;

	private final @Nullable String path;

	private final List<String> subprotocols;

	private final List<Header> headers;

	private final Set<String> removedHeaders;

	private final Duration timeout;

	private WebSocketTestClient(Supplier<URI> baseUri, @Nullable String path, List<String> subprotocols,
			List<Header> headers, Set<String> removedHeaders, Duration timeout) {
		this.baseUri = baseUri;
		this.path = path;
		this.subprotocols = List.copyOf(subprotocols);
		this.headers = List.copyOf(headers);
		this.removedHeaders = Set.copyOf(removedHeaders);
		this.timeout = timeout;
	}

	/**
	 * Create a client for a server.
	 * @param baseUri the URI connections go to unless {@link #path(String)} says
	 * otherwise, such as {@code ws://localhost:8080/}; {@code http} and {@code https} are
	 * taken as {@code ws} and {@code wss}
	 * @return a new client
	 */
	public static WebSocketTestClient create(URI baseUri) {
		Assert.notNull(baseUri, "'baseUri' must not be null");
		URI uri = toWebSocketUri(baseUri);
		return create(() -> uri);
	}

	/**
	 * Create a client for a server on {@code localhost}, such as the one of a test's
	 * {@code @LocalServerPort}.
	 * @param port the server port
	 * @return a new client for {@code ws://localhost:<port>/}
	 */
	public static WebSocketTestClient forPort(int port) {
		Assert.isTrue(port > 0 && port <= 0xFFFF, () -> "'port' must be between 1 and 65535, not " + port);
		return create(URI.create("ws://localhost:" + port + "/"));
	}

	/**
	 * Create a client whose base URI is resolved each time it is needed, for a server
	 * whose port is not known yet.
	 * @param baseUri supplies the base URI
	 * @return a new client
	 */
	static WebSocketTestClient create(Supplier<URI> baseUri) {
		return new WebSocketTestClient(baseUri, null, List.of(), List.of(), Set.of(), DEFAULT_TIMEOUT);
	}

	/**
	 * Return a client for another path, with a query if needed. The path is resolved
	 * against the base URI as a URI reference: {@code /chat/lobby?token=t} replaces the
	 * base's path, {@code lobby} is relative to it.
	 * @param path the path, already encoded
	 * @return a new client
	 */
	public WebSocketTestClient path(String path) {
		Assert.hasText(path, "'path' must not be empty");
		return new WebSocketTestClient(this.baseUri, path, this.subprotocols, this.headers, this.removedHeaders,
				this.timeout);
	}

	/**
	 * Return a client that offers subprotocols, in order of preference. Replaces the
	 * subprotocols offered before.
	 * @param subprotocols the subprotocols, none to offer none
	 * @return a new client
	 */
	public WebSocketTestClient subprotocols(String... subprotocols) {
		Assert.noNullElements(subprotocols, "'subprotocols' must not contain null elements");
		return new WebSocketTestClient(this.baseUri, this.path, Arrays.asList(subprotocols), this.headers,
				this.removedHeaders, this.timeout);
	}

	/**
	 * Return a client that sends a further request header, such as {@code Origin} or
	 * {@code Authorization}. Values given for one name are sent as separate header lines,
	 * in order. For a {@link #handshake() raw handshake} a header of the name replaces
	 * the client's default one (such as {@code Sec-WebSocket-Version}); the JDK client
	 * used by {@link #connect()} refuses to send {@code Host}, {@code Connection},
	 * {@code Upgrade} and the {@code Sec-WebSocket-*} headers.
	 * @param name the header name
	 * @param value the value
	 * @return a new client
	 */
	public WebSocketTestClient header(String name, String value) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(value, "'value' must not be null");
		List<Header> headers = new ArrayList<>(this.headers);
		headers.add(new Header(name, value));
		Set<String> removed = new LinkedHashSet<>(this.removedHeaders);
		removed.remove(name.toLowerCase(Locale.ROOT));
		return new WebSocketTestClient(this.baseUri, this.path, this.subprotocols, headers, removed, this.timeout);
	}

	/**
	 * Return a client that does not send a header: drops the values given to
	 * {@link #header(String, String)} and, for a {@link #handshake() raw handshake}, the
	 * client's default header of that name (such as {@code Sec-WebSocket-Key}).
	 * @param name the header name, in any case
	 * @return a new client
	 */
	public WebSocketTestClient withoutHeader(String name) {
		Assert.hasText(name, "'name' must not be empty");
		List<Header> headers = new ArrayList<>(this.headers);
		headers.removeIf((header) -> header.name().equalsIgnoreCase(name));
		Set<String> removed = new LinkedHashSet<>(this.removedHeaders);
		removed.add(name.toLowerCase(Locale.ROOT));
		return new WebSocketTestClient(this.baseUri, this.path, this.subprotocols, headers, removed, this.timeout);
	}

	/**
	 * Return a client that waits at most this long for a handshake, a message, a close or
	 * a send to complete.
	 * @param timeout the timeout
	 * @return a new client
	 */
	public WebSocketTestClient timeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		return new WebSocketTestClient(this.baseUri, this.path, this.subprotocols, this.headers, this.removedHeaders,
				timeout);
	}

	/**
	 * Return the URI this client connects to.
	 * @return the URI, {@code ws} or {@code wss}
	 * @throws IllegalStateException when the base URI is not known yet, such as the URI
	 * of the auto-configured client before the server started
	 */
	public URI uri() {
		URI base = toWebSocketUri(this.baseUri.get());
		return (this.path != null) ? base.resolve(this.path) : base;
	}

	/**
	 * Return how long this client waits.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Open a connection and wait for its handshake to complete.
	 * @return the open connection, to close when done (it is {@link AutoCloseable})
	 * @throws AssertionError when the server refuses the handshake (the message gives the
	 * status), cannot be reached, or does not answer in time
	 * @throws IllegalArgumentException when a header set with
	 * {@link #header(String, String)} may not be sent by the JDK's client
	 */
	public WebSocketTestConnection connect() {
		return WebSocketTestConnection.connect(HttpClientHolder.INSTANCE, uri(), this.subprotocols, this.headers,
				this.timeout);
	}

	/**
	 * Send a version-13 upgrade request ({@code GET}) over a plain socket, with the
	 * headers and subprotocols of this client, and read the response. Unless replaced or
	 * removed, the request carries {@code Host}, {@code Upgrade: websocket},
	 * {@code Connection: Upgrade}, a fresh {@code Sec-WebSocket-Key},
	 * {@code Sec-WebSocket-Version: 13} and, when subprotocols were set, one
	 * {@code Sec-WebSocket-Protocol} header listing them. The connection is dropped once
	 * the response is read, a {@code 101} included.
	 * @return the response
	 * @throws AssertionError when the server cannot be reached or does not answer in time
	 * @see #connectRaw()
	 */
	public HandshakeResult handshake() {
		return handshake("GET");
	}

	/**
	 * Send an upgrade request with another method, as {@link #handshake()} does.
	 * @param method the request method, such as {@code POST}
	 * @return the response
	 * @throws AssertionError when the server cannot be reached or does not answer in time
	 */
	public HandshakeResult handshake(String method) {
		Assert.hasText(method, "'method' must not be empty");
		try (RawWebSocketConnection connection = openSocket()) {
			return connection.handshake(method);
		}
	}

	/**
	 * Open a plain socket to the server and send nothing, for requests written by hand
	 * ({@link RawWebSocketConnection#write(String)}), partial or slow ones, or a
	 * {@link RawWebSocketConnection#handshake() handshake} whose connection the test
	 * keeps.
	 * @return the connected socket, to close when done (it is {@link AutoCloseable})
	 * @throws AssertionError when the server cannot be reached in time
	 */
	public RawWebSocketConnection openSocket() {
		return RawWebSocketConnection.open(this, uri(), this.timeout);
	}

	/**
	 * Open a plain socket, send the upgrade request of {@link #handshake()} and check
	 * that the response is a {@code 101} a compliant client accepts, for exchanging
	 * frames a compliant client would not send, or reading the server's frames as they
	 * are.
	 * @return the upgraded connection, to close when done (it is {@link AutoCloseable});
	 * its {@link RawWebSocketConnection#handshakeResult()} is the {@code 101}
	 * @throws AssertionError when the server refuses the handshake (the message shows the
	 * response), cannot be reached, or does not answer in time
	 */
	public RawWebSocketConnection connectRaw() {
		RawWebSocketConnection connection = openSocket();
		try {
			connection.handshake().expectSwitchingProtocols();
			return connection;
		}
		catch (RuntimeException | AssertionError ex) {
			connection.close();
			throw ex;
		}
	}

	/**
	 * Return the headers of an upgrade request to a URI: the defaults not replaced or
	 * removed, then the client's own.
	 * @param uri the target
	 * @return the headers, in order, with a fresh key
	 */
	List<Header> handshakeHeaders(URI uri) {
		List<Header> defaults = new ArrayList<>();
		defaults.add(new Header("Host", uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "")));
		defaults.add(new Header("Upgrade", "websocket"));
		defaults.add(new Header("Connection", "Upgrade"));
		defaults.add(new Header("Sec-WebSocket-Key", newKey()));
		defaults.add(new Header("Sec-WebSocket-Version", "13"));
		if (!this.subprotocols.isEmpty()) {
			defaults.add(new Header("Sec-WebSocket-Protocol", String.join(", ", this.subprotocols)));
		}
		List<Header> headers = new ArrayList<>();
		for (Header header : defaults) {
			String name = header.name().toLowerCase(Locale.ROOT);
			boolean replaced = this.headers.stream().anyMatch((candidate) -> candidate.name().equalsIgnoreCase(name));
			if (!replaced && !this.removedHeaders.contains(name)) {
				headers.add(header);
			}
		}
		headers.addAll(this.headers);
		return headers;
	}

	@Override
	public String toString() {
		try {
			return "WebSocketTestClient{uri=" + uri() + ", subprotocols=" + this.subprotocols + "}";
		}
		catch (IllegalStateException ex) {
			return "WebSocketTestClient{uri=(not known yet), path=" + this.path + "}";
		}
	}

	private static URI toWebSocketUri(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		String webSocketScheme = switch (scheme) {
			case "ws", "http" -> "ws";
			case "wss", "https" -> "wss";
			default -> throw new IllegalArgumentException(
					"'baseUri' must be a ws, wss, http or https URI with a host, not '" + uri + "'");
		};
		Assert.isTrue(uri.getHost() != null,
				() -> "'baseUri' must be a ws, wss, http or https URI with a host, not '" + uri + "'");
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		String query = (uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "";
		return URI.create(webSocketScheme + "://" + uri.getRawAuthority() + path + query);
	}

	private static String newKey() {
		byte[] key = new byte[16];
		ThreadLocalRandom.current().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	/**
	 * A request header.
	 *
	 * @param name the name, as given
	 * @param value the value
	 */
	record Header(String name, String value) {

	}

	/**
	 * The JDK client shared by all connections, created on first use.
	 */
	private static final class HttpClientHolder {

		static final HttpClient INSTANCE = HttpClient.newHttpClient();

	}

}
