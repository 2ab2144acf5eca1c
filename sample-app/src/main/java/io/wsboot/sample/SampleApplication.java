package io.wsboot.sample;

import java.nio.charset.StandardCharsets;

import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The OpenSwoole handshake example on wsboot: a WebSocket server on
 * {@code 127.0.0.1:9501} that checks each handshake itself, pushes
 * {@code ["hello",<unix seconds>]} to every connection each second and answers every
 * message with the same, plus a browser page on {@code GET /}.
 * <p>
 * With the {@code default-handshake} profile the built-in handshake decides instead and
 * the open logic runs in a {@link io.wsboot.WebSocketOpenEvent} listener. With the
 * {@code cluster} profile the node shares its connections with the other nodes of a
 * Redis.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Profile that replaces the example's handshake with the built-in one.
	 */
	static final String DEFAULT_HANDSHAKE_PROFILE = "default-handshake";

	/**
	 * Profile in which this node joins a cluster of nodes sharing a Redis
	 * ({@code spring.data.redis.*}) and answers the commands of
	 * {@link ClusterCommandListener}.
	 */
	static final String CLUSTER_PROFILE = "cluster";

	private static final MediaType TEXT_HTML_UTF8 = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

	@Bean
	@Profile("!" + DEFAULT_HANDSHAKE_PROFILE)
	SeedHandshakeInterceptor seedHandshakeInterceptor(WebSocketServer server, HelloListener helloListener) {
		return new SeedHandshakeInterceptor(server, helloListener::open);
	}

	@Bean
	RouterFunction<ServerResponse> indexPage(@Value("classpath:static/index.html") Resource page) {
		return RouterFunctions.route(RequestPredicates.GET("/"),
				(request) -> ServerResponse.ok().contentType(TEXT_HTML_UTF8).bodyValue(page));
	}

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
