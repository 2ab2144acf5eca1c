package io.wsboot.handshake;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.HandshakeInterceptor;
import io.wsboot.connection.CallbackContext;
import io.wsboot.observation.DefaultHandshakeObservationConvention;
import io.wsboot.observation.HandshakeObservationContext;
import io.wsboot.observation.HandshakeObservationConvention;
import io.wsboot.observation.WsbootObservationDocumentation;
import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.server.WebSocketServerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Handles a claimed WebSocket upgrade request: the transport checks of RFC 6455 §4.2.1,
 * the {@link HandshakeInterceptor}, the check of its answer, and the upgrade through
 * Reactor Netty.
 *
 * @since 0.1.0
 */
public final class WsbootWebSocketHandler implements WebHandler {

	/**
	 * Where refused handshakes are logged, one INFO line each with the status and the
	 * reason: set it to WARN to silence them.
	 */
	private static final Log handshakeLogger = LogFactory.getLog("io.wsboot.handshake");

	private static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";

	private static final String SEC_WEBSOCKET_VERSION = "Sec-WebSocket-Version";

	private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

	private static final String SEC_WEBSOCKET_EXTENSIONS = "Sec-WebSocket-Extensions";

	private static final String UPGRADE = "Upgrade";

	private static final String CONNECTION = "Connection";

	private static final String OBSERVATION_ATTRIBUTE = WsbootWebSocketHandler.class.getName() + ".observation";

	private static final HandshakeObservationConvention DEFAULT_CONVENTION = new DefaultHandshakeObservationConvention();

	private final NettyWebSocketServer server;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private String pathPattern = "/";

	private @Nullable HandshakeObservationConvention observationConvention;

	private final HandshakeInterceptor interceptor;

	private final boolean publishOpen;

	private final OriginPolicy originPolicy;

	private final int maxFramePayloadLength;

	private final boolean handlePing;

	private final @Nullable PerMessageDeflate perMessageDeflate;

	/**
	 * Create a handler.
	 * @param server the server that registers the connections
	 * @param interceptor the interceptor that decides handshakes
	 * @param allowedOrigins the origins and origin patterns accepted besides the
	 * application's own ({@code *} for any, none for the application's own only), as
	 * {@link OriginPolicy} matches them
	 * @param maxFramePayloadLength the largest frame payload accepted
	 * @param maxMessageSize the largest message accepted, also the bound of a
	 * decompressed frame
	 * @param compress whether to negotiate permessage-deflate, with the server's
	 * {@link WebSocketServerSettings#compressionServerNoContextTakeover() settings}
	 * @throws IllegalStateException when the settings ask for a server window that the
	 * zlib in use cannot compress with
	 */
	public WsbootWebSocketHandler(NettyWebSocketServer server, HandshakeInterceptor interceptor,
			List<String> allowedOrigins, int maxFramePayloadLength, int maxMessageSize, boolean compress) {
		Assert.notNull(server, "'server' must not be null");
		Assert.notNull(interceptor, "'interceptor' must not be null");
		Assert.notNull(allowedOrigins, "'allowedOrigins' must not be null");
		this.server = server;
		this.interceptor = interceptor;
		this.publishOpen = interceptor instanceof DefaultHandshakeInterceptor;
		this.originPolicy = new OriginPolicy(allowedOrigins);
		this.maxFramePayloadLength = maxFramePayloadLength;
		this.handlePing = server.getSettings().deliverPingFrames();
		WebSocketServerSettings settings = server.getSettings();
		this.perMessageDeflate = compress ? new PerMessageDeflate(settings.compressionServerNoContextTakeover(),
				settings.compressionServerMaxWindowBits(), settings.compressionClientNoContextTakeover(),
				maxMessageSize) : null;
	}

	/**
	 * Observe handshakes.
	 * @param registry where observations go
	 * @param pathPattern the endpoint's path pattern, a low-cardinality key
	 * @param convention a convention of the application's, or {@code null} for the
	 * default
	 */
	public void setObservation(ObservationRegistry registry, String pathPattern,
			@Nullable HandshakeObservationConvention convention) {
		this.observationRegistry = registry;
		this.pathPattern = pathPattern;
		this.observationConvention = convention;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (this.observationRegistry.isNoop()) {
			return handle(exchange, this.server.getRegistry().nextFd());
		}
		// The request's own observation (WebFlux's) is in the Reactor context: the
		// handshake is its child
		return Mono.deferContextual((contextView) -> {
			long fd = this.server.getRegistry().nextFd();
			HandshakeObservationContext context = new HandshakeObservationContext(fd, exchange.getRequest(),
					this.pathPattern);
			Observation parent = contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			Observation observation = WsbootObservationDocumentation.HANDSHAKE
				.observation(this.observationConvention, DEFAULT_CONVENTION, () -> context, this.observationRegistry)
				.parentObservation(parent)
				.start();
			exchange.getAttributes().put(OBSERVATION_ATTRIBUTE, observation);
			return handle(exchange, fd).doOnCancel(() -> observed(exchange, 0, null));
		});
	}

	private Mono<Void> handle(ServerWebExchange exchange, long fd) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		if (request.getMethod() != HttpMethod.GET) {
			return reject(exchange, fd, 405, "method " + request.getMethod() + " is not GET", Map.of("Allow", "GET"));
		}
		if (!HandshakeChecks.containsToken(headers.get(CONNECTION), "upgrade")) {
			return reject(exchange, fd, 400, "the Connection header does not contain 'upgrade'", Map.of());
		}
		String version = headers.getFirst(SEC_WEBSOCKET_VERSION);
		if (version == null || !"13".equals(version.trim())) {
			return reject(exchange, fd, 426, "Sec-WebSocket-Version is " + version + ", not 13",
					Map.of(SEC_WEBSOCKET_VERSION, "13"));
		}
		String key = headers.getFirst(SEC_WEBSOCKET_KEY);
		if (!HandshakeChecks.isValidKey(key)) {
			String why = (key != null) ? "Sec-WebSocket-Key " + key + " is not base64 of 16 bytes"
					: "Sec-WebSocket-Key is missing";
			return reject(exchange, fd, 400, why, Map.of());
		}
		String origin = headers.getOrigin();
		if (origin != null && !this.originPolicy.isAllowed(request)) {
			return reject(exchange, fd, 403, "origin " + origin + " is not allowed", Map.of());
		}
		if (!this.server.isRunning()) {
			return reject(exchange, fd, 503, "the server is not running", Map.of());
		}
		HttpServerResponse nativeResponse = nativeResponse(exchange.getResponse());
		if (nativeResponse == null) {
			return reject(exchange, fd, 500, "the server is not Reactor Netty", Map.of());
		}
		if (!this.server.getRegistry().tryReserveSlot()) {
			return reject(exchange, fd, 503, "wsboot.max-connections is reached", Map.of());
		}
		return exchange.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> decide(exchange, nativeResponse, fd, key, principal.orElse(null)));
	}

	private Mono<Void> decide(ServerWebExchange exchange, HttpServerResponse nativeResponse, long fd, String key,
			@Nullable Principal principal) {
		Map<String, String> pathVariables = exchange
			.getAttributeOrDefault(WsbootHandlerMapping.PATH_VARIABLES_ATTRIBUTE, Map.of());
		DefaultHandshakeRequest request = new DefaultHandshakeRequest(fd, exchange.getRequest(), pathVariables,
				principal);
		DefaultHandshakeResponse response = new DefaultHandshakeResponse();
		HandshakeContext handshake = new HandshakeContext();
		boolean accepted;
		CallbackContext.Target previous = CallbackContext.enter(handshake);
		try {
			accepted = this.interceptor.handshake(request, response);
		}
		catch (Throwable ex) {
			handshakeLogger.error("[fd=" + fd + "] Handshake refused with 500: the handshake interceptor failed", ex);
			Observation observation = exchange.getAttribute(OBSERVATION_ATTRIBUTE);
			if (observation != null) {
				observation.error(ex);
			}
			this.server.getRegistry().releaseSlot();
			return reject(exchange, fd, 500, null, Map.of());
		}
		finally {
			CallbackContext.exit(previous);
		}
		if (!accepted || response.getStatus() != 101) {
			int status = response.getStatus();
			if (status == 0 || status == 101 || status < 200) {
				status = 400;
			}
			this.server.getRegistry().releaseSlot();
			return reject(exchange, fd, status, "the handshake interceptor refused it", response.getHeaders(),
					response.getBody(), false);
		}
		if (!response.isEnded()) {
			this.server.getRegistry().releaseSlot();
			return reject(exchange, fd, 400, "the handshake interceptor set status 101 but did not end the response",
					response.getHeaders(), null, false);
		}
		String subprotocol = response.getHeaders().get(SEC_WEBSOCKET_PROTOCOL);
		String invalid = HandshakeChecks.checkAcceptedHeaders(request, response.getHeaders(), key, subprotocol);
		if (invalid != null) {
			this.server.getRegistry().releaseSlot();
			return misbehaved(exchange, fd, invalid);
		}
		HttpHeaders responseHeaders = exchange.getResponse().getHeaders();
		response.getHeaders().forEach((name, value) -> {
			if (!HandshakeChecks.isHandshakeHeader(name)) {
				responseHeaders.set(name, value);
			}
		});
		normalizeRequestHeaders(exchange.getRequest(), (subprotocol != null) ? request.getOfferedSubprotocols() : null);
		// permessage-deflate is negotiated here (PerMessageDeflate), not by Reactor
		// Netty,
		// whose handshaker declines offers with parameters
		WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength(this.maxFramePayloadLength)
			.handlePing(this.handlePing)
			.compress(false);
		PerMessageDeflate perMessageDeflate = this.perMessageDeflate;
		PerMessageDeflate.Agreement deflate = (perMessageDeflate != null)
				? perMessageDeflate.negotiate(exchange.getRequest().getHeaders().get(SEC_WEBSOCKET_EXTENSIONS)) : null;
		if (subprotocol != null) {
			spec.protocols(subprotocol);
		}
		WebsocketServerSpec websocketSpec = spec.build();
		return exchange.getResponse().setComplete().then(Mono.defer(() -> {
			if (perMessageDeflate != null && deflate != null) {
				nativeResponse.withConnection((connection) -> installDeflate(perMessageDeflate, connection, deflate));
			}
			return Mono.empty();
		}))
			.then(Mono.defer(() -> nativeResponse.sendWebsocket((in, out) -> this.server.established(in, out, request,
					request.attributesOrEmpty(), subprotocol, handshake.established(), this.publishOpen),
					websocketSpec)))
			.doOnSuccess((done) -> observed(exchange, 101, null))
			.doOnError((ex) -> {
				this.server.getRegistry().releaseSlot();
				observed(exchange, 101, ex);
			});
	}

	private static void installDeflate(PerMessageDeflate perMessageDeflate, Connection connection,
			PerMessageDeflate.Agreement agreement) {
		try {
			perMessageDeflate.install(connection.channel(), agreement);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not set up permessage-deflate", ex);
		}
	}

	/**
	 * Give Netty's handshaker the request in the form it reads: it wants an
	 * {@code Upgrade} header that is exactly {@code websocket} (we accept it among other
	 * tokens) and reads only the first {@code Sec-WebSocket-Protocol} line when it writes
	 * the selected subprotocol (we accept several lines).
	 */
	private static void normalizeRequestHeaders(ServerHttpRequest request, @Nullable List<String> offered) {
		HttpHeaders headers = request.getHeaders();
		List<String> upgrade = headers.get(UPGRADE);
		boolean plainUpgrade = upgrade != null && upgrade.size() == 1 && "websocket".equalsIgnoreCase(upgrade.get(0));
		List<String> lines = headers.get(SEC_WEBSOCKET_PROTOCOL);
		boolean joinProtocols = offered != null && lines != null && lines.size() > 1;
		if (plainUpgrade && !joinProtocols) {
			return;
		}
		HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		if (!plainUpgrade) {
			nativeRequest.requestHeaders().set(UPGRADE, "websocket");
		}
		if (joinProtocols) {
			nativeRequest.requestHeaders().set(SEC_WEBSOCKET_PROTOCOL, String.join(", ", offered));
		}
	}

	private static void observed(ServerWebExchange exchange, int status, @Nullable Throwable error) {
		Observation observation = exchange.getAttributes().remove(OBSERVATION_ATTRIBUTE) instanceof Observation o ? o
				: null;
		if (observation != null) {
			if (observation.getContext() instanceof HandshakeObservationContext context) {
				context.setStatus(status);
			}
			if (error != null) {
				observation.error(error);
			}
			observation.stop();
		}
	}

	private static @Nullable HttpServerResponse nativeResponse(ServerHttpResponse response) {
		try {
			Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
			return (nativeResponse instanceof HttpServerResponse reactorResponse) ? reactorResponse : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private Mono<Void> misbehaved(ServerWebExchange exchange, long fd, String why) {
		handshakeLogger.error("[fd=" + fd + "] Handshake refused with 500: " + why);
		return reject(exchange, fd, 500, null, Map.of());
	}

	private Mono<Void> reject(ServerWebExchange exchange, long fd, int status, @Nullable String why,
			Map<String, String> headers) {
		return reject(exchange, fd, status, why, headers, null, true);
	}

	private Mono<Void> reject(ServerWebExchange exchange, long fd, int status, @Nullable String why,
			Map<String, String> headers, @Nullable String body, boolean plainBody) {
		this.server.getCounters().rejected(status);
		observed(exchange, status, null);
		if (why != null && handshakeLogger.isInfoEnabled()) {
			handshakeLogger.info("[fd=" + fd + "] Handshake refused with " + status + ": " + why);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(status));
		HttpHeaders responseHeaders = response.getHeaders();
		headers.forEach(responseHeaders::set);
		String text = body;
		if (text == null && plainBody && why != null) {
			text = "WebSocket handshake refused: " + why;
		}
		if (text == null || text.isEmpty()) {
			return response.setComplete();
		}
		if (responseHeaders.getContentType() == null) {
			responseHeaders.setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
	}

}
