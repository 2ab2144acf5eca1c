package io.wsboot.handshake;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPattern.PathMatchInfo;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * WebFlux handler mapping that claims the WebSocket upgrade requests on
 * {@code wsboot.path}: those whose {@code Upgrade} header contains {@code websocket}. Any
 * other request, on that path or not, is left to the application's other handlers.
 * <p>
 * Ordered before WebFlux's router functions and annotated controllers, so that an upgrade
 * request reaches the WebSocket endpoint even where the application serves a page on the
 * same path. The handshake passes the WebFilter chain (Spring Security, CORS) before it
 * gets here.
 *
 * @since 0.1.0
 */
public class WsbootHandlerMapping extends AbstractHandlerMapping {

	/**
	 * Default order: before router functions ({@code -1}) and controllers ({@code 0}).
	 */
	public static final int DEFAULT_ORDER = -10;

	static final String PATH_VARIABLES_ATTRIBUTE = WsbootHandlerMapping.class.getName() + ".pathVariables";

	private final PathPattern pattern;

	private final WsbootWebSocketHandler handler;

	/**
	 * Create a mapping.
	 * @param path the endpoint path, a {@link PathPattern}
	 * @param handler the handler of the handshakes
	 */
	public WsbootHandlerMapping(String path, WsbootWebSocketHandler handler) {
		this.pattern = PathPatternParser.defaultInstance.parse(path);
		this.handler = handler;
		setOrder(DEFAULT_ORDER);
	}

	/**
	 * Return the endpoint's path pattern.
	 * @return the pattern
	 */
	public PathPattern getPattern() {
		return this.pattern;
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (!isWebSocketUpgrade(request.getHeaders().get("Upgrade"))) {
			return Mono.empty();
		}
		PathContainer path = request.getPath().pathWithinApplication();
		PathMatchInfo match = this.pattern.matchAndExtract(path);
		if (match == null) {
			return Mono.empty();
		}
		Map<String, String> variables = match.getUriVariables();
		if (!variables.isEmpty()) {
			exchange.getAttributes().put(PATH_VARIABLES_ATTRIBUTE, variables);
		}
		return Mono.just(this.handler);
	}

	static boolean isWebSocketUpgrade(@Nullable Iterable<String> upgradeHeaders) {
		if (upgradeHeaders == null) {
			return false;
		}
		for (String value : upgradeHeaders) {
			if (HandshakeChecks.containsToken(value, "websocket")) {
				return true;
			}
		}
		return false;
	}

}
