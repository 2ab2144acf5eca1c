package io.wsboot.autoconfigure;

import java.util.concurrent.Executor;

import io.micrometer.observation.ObservationRegistry;
import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.WsbootProperties.ListenerExecution;
import io.wsboot.event.WebSocketEventListenerFactory;
import io.wsboot.event.WebSocketEventMulticaster;
import io.wsboot.handshake.HandshakeTimeoutCustomizer;
import io.wsboot.handshake.WsbootHandlerMapping;
import io.wsboot.handshake.WsbootWebSocketHandler;
import io.wsboot.observation.HandshakeObservationConvention;
import io.wsboot.observation.MessageObservationConvention;
import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.server.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * Auto-configuration of the wsboot WebSocket server: the {@link WebSocketServer}, the
 * default {@link HandshakeInterceptor} and the WebFlux handler mapping of the endpoint on
 * {@code wsboot.path}.
 * <p>
 * The engine ({@link NettyWebSocketServer}) is the {@link WebSocketServer} bean unless
 * the application defines one. An application's bean that replaces it fails startup with
 * an {@link UnsupportedWebSocketServerException}: the endpoint, its meters and its health
 * need the engine. The cluster's server, which wraps the engine, keeps it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ DispatcherHandler.class, HttpServer.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "wsboot.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WsbootProperties.class)
@ImportRuntimeHints(WsbootRuntimeHints.class)
public final class WsbootAutoConfiguration {

	/**
	 * The context's event multicaster, which keeps the message listeners resolved. Only
	 * when the application defines none: it is looked up by its name when the context
	 * starts.
	 * @return the multicaster
	 */
	@Bean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
	@ConditionalOnMissingBean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
	static WebSocketEventMulticaster applicationEventMulticaster() {
		return new WebSocketEventMulticaster();
	}

	/**
	 * Listeners for the {@code @EventListener} methods that take a WebSocket event.
	 * Static: the context reads event listener factories before it creates beans.
	 * @return the factory
	 */
	@Bean
	@ConditionalOnMissingBean
	static WebSocketEventListenerFactory webSocketEventListenerFactory() {
		return new WebSocketEventListenerFactory();
	}

	/**
	 * The check that fails startup when a {@link WebSocketServer} bean of the application
	 * replaced the engine, rather than leave the endpoint out.
	 * @return the check
	 */
	@Bean
	static WebSocketServerCheck wsbootWebSocketServerCheck() {
		return new WebSocketServerCheck();
	}

	/**
	 * Binds the deprecated {@code wsboot.compression=true|false} to
	 * {@code wsboot.compression.enabled}. Static: converters are read before beans are
	 * bound.
	 * @return the converter
	 */
	@Bean
	@ConfigurationPropertiesBinding
	static CompressionSwitchConverter wsbootCompressionSwitchConverter() {
		return new CompressionSwitchConverter();
	}

	@Bean
	@ConditionalOnMissingBean
	HandshakeInterceptor handshakeInterceptor(WsbootProperties properties) {
		return new DefaultHandshakeInterceptor(properties.getSubprotocols());
	}

	@Bean
	@ConditionalOnMissingBean(WebSocketServer.class)
	NettyWebSocketServer webSocketServer(ApplicationEventPublisher publisher, ConfigurableApplicationContext context,
			WsbootProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<MessageObservationConvention> messageConvention) {
		WebSocketServerSettings settings = WebSocketServerSettings.builder()
			.maxFrameSize(toIntBytes(properties.getMaxFrameSize().toBytes(), "wsboot.max-frame-size"))
			.maxMessageSize(toIntBytes(properties.getMaxMessageSize().toBytes(), "wsboot.max-message-size"))
			.compression(properties.getCompression().isEnabled())
			.compressionServerNoContextTakeover(properties.getCompression().isServerNoContextTakeover())
			.compressionServerMaxWindowBits(properties.getCompression().getServerMaxWindowBits())
			.compressionClientNoContextTakeover(properties.getCompression().isClientNoContextTakeover())
			.idleTimeout(properties.getIdleTimeout())
			.pingInterval(properties.getPingInterval())
			.maxConnections(properties.getMaxConnections())
			.sendBufferSize(toIntBytes(properties.getSendBufferSize().toBytes(), "wsboot.send-buffer-size"))
			.closeOnSendBufferOverflow(properties.getSendBufferOverflow() == WsbootProperties.SendBufferOverflow.CLOSE)
			.deliverPingFrames(properties.isDeliverPingFrames())
			.deliverPongFrames(properties.isDeliverPongFrames())
			.deliverCloseFrames(properties.isDeliverCloseFrames())
			.worker(worker(properties.getListenerExecution()))
			.build();
		NettyWebSocketServer server = new NettyWebSocketServer(publisher, settings);
		if (context.getParent() == null
				&& context.containsLocalBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)) {
			server.setMulticaster(context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME,
					ApplicationEventMulticaster.class));
		}
		server.setObservation(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				messageConvention.getIfAvailable());
		return server;
	}

	@Bean
	@ConditionalOnBean(WebSocketServer.class)
	@ConditionalOnMissingBean
	WsbootHandlerMapping wsbootHandlerMapping(NettyWebSocketServer server, HandshakeInterceptor interceptor,
			WsbootProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<HandshakeObservationConvention> handshakeConvention) {
		WsbootWebSocketHandler handler = new WsbootWebSocketHandler(server, interceptor, properties.getAllowedOrigins(),
				toIntBytes(properties.getMaxFrameSize().toBytes(), "wsboot.max-frame-size"),
				toIntBytes(properties.getMaxMessageSize().toBytes(), "wsboot.max-message-size"),
				properties.getCompression().isEnabled());
		handler.setObservation(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP), properties.getPath(),
				handshakeConvention.getIfAvailable());
		return new WsbootHandlerMapping(properties.getPath(), handler);
	}

	/**
	 * The deadline of the first request of every connection of the server,
	 * {@code wsboot.handshake-timeout}; a customizer that changes nothing when it is
	 * zero.
	 * @param properties the properties
	 * @return the customizer
	 */
	@Bean
	NettyServerCustomizer wsbootNettyServerCustomizer(WsbootProperties properties) {
		if (properties.getHandshakeTimeout().isZero() || properties.getHandshakeTimeout().isNegative()) {
			return (httpServer) -> httpServer;
		}
		return new HandshakeTimeoutCustomizer(properties.getHandshakeTimeout());
	}

	private static int toIntBytes(long bytes, String property) {
		if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
			throw new IllegalStateException(property + " must be between 1B and 2GB, not " + bytes + " bytes");
		}
		return (int) bytes;
	}

	private static @Nullable Executor worker(ListenerExecution execution) {
		return switch (execution) {
			case EVENT_LOOP -> null;
			case BOUNDED_ELASTIC -> {
				var scheduler = Schedulers.boundedElastic();
				yield (task) -> scheduler.schedule(task);
			}
			case VIRTUAL_THREADS -> virtualThreadExecutor();
		};
	}

	/**
	 * Spring's executor of one virtual thread per task, threads named
	 * {@code wsboot-listener-N}.
	 */
	private static Executor virtualThreadExecutor() {
		if (Runtime.version().feature() < 21) {
			throw new IllegalStateException("wsboot.listener-execution=virtual-threads needs virtual threads, "
					+ "which Java 21 or later has; this is Java " + Runtime.version().feature()
					+ ": use bounded-elastic or event-loop");
		}
		return new VirtualThreadTaskExecutor("wsboot-listener-");
	}

}
