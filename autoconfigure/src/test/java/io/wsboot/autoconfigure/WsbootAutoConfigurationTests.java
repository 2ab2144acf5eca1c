package io.wsboot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.UnsupportedWebServerException.Kind;
import io.wsboot.autoconfigure.WsbootProperties.ListenerExecution;
import io.wsboot.event.WebSocketEventListenerFactory;
import io.wsboot.event.WebSocketEventMulticaster;
import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.server.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootAutoConfiguration}.
 */
class WsbootAutoConfigurationTests {

	private static final String[] BEAN_NAMES = { "webSocketServer", "handshakeInterceptor", "wsbootHandlerMapping",
			"wsbootNettyServerCustomizer", "webSocketEventListenerFactory" };

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsbootAutoConfiguration.class,
				WsbootWebServerCheckAutoConfiguration.class));

	@Test
	void createsServerHandshakeHandlerMappingAndCustomizerForReactiveWebApp() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootProperties.class);
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context.getBean("webSocketServer").getClass().getName())
				.isEqualTo("io.wsboot.server.NettyWebSocketServer");
			assertThat(context).hasSingleBean(HandshakeInterceptor.class);
			assertThat(context.getBean("handshakeInterceptor")).isInstanceOf(DefaultHandshakeInterceptor.class);
			assertThat(context.getBean(DefaultHandshakeInterceptor.class).getSubprotocols()).isEmpty();
			assertThat(context.getBean("wsbootHandlerMapping")).isInstanceOf(HandlerMapping.class);
			assertThat(context.getBean("wsbootHandlerMapping").getClass().getName())
				.isEqualTo("io.wsboot.handshake.WsbootHandlerMapping");
			assertThat(context.getBean("wsbootNettyServerCustomizer")).isInstanceOf(NettyServerCustomizer.class);
		});
	}

	@Test
	void definesEventMulticasterAndListenerFactory() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME))
				.isInstanceOf(WebSocketEventMulticaster.class);
			assertThat(context).hasSingleBean(WebSocketEventListenerFactory.class);
		});
	}

	@Test
	void keepsEventMulticasterOfApplication() {
		this.contextRunner.withUserConfiguration(CustomMulticasterConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME))
				.isExactlyInstanceOf(SimpleApplicationEventMulticaster.class);
		});
	}

	@Test
	void createsBeansWhenEnabledExplicitly() {
		this.contextRunner.withPropertyValues("wsboot.enabled=true").run(hasWsbootBeans());
	}

	@Test
	void bindsDefaultProperties() {
		this.contextRunner.run((context) -> {
			WsbootProperties properties = context.getBean(WsbootProperties.class);
			assertThat(properties.getPath()).isEqualTo("/");
			assertThat(properties.getSubprotocols()).isEmpty();
			assertThat(properties.getAllowedOrigins()).isEmpty();
			assertThat(properties.getMaxFrameSize().toBytes()).isEqualTo(65_536);
			assertThat(properties.getMaxMessageSize().toBytes()).isEqualTo(1_048_576);
			assertThat(properties.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getListenerExecution()).isEqualTo(ListenerExecution.EVENT_LOOP);
		});
	}

	@Test
	void bindsConfiguredProperties() {
		this.contextRunner
			.withPropertyValues("wsboot.path=/chat/{room}",
					"wsboot.allowed-origins=https://a.example,https://b.example", "wsboot.max-frame-size=1KB",
					"wsboot.handshake-timeout=500ms", "wsboot.listener-execution=bounded-elastic")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WsbootProperties properties = context.getBean(WsbootProperties.class);
				assertThat(properties.getPath()).isEqualTo("/chat/{room}");
				assertThat(properties.getAllowedOrigins()).containsExactly("https://a.example", "https://b.example");
				assertThat(properties.getMaxFrameSize()).isEqualTo(DataSize.ofBytes(1024));
				assertThat(properties.getHandshakeTimeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(properties.getListenerExecution()).isEqualTo(ListenerExecution.BOUNDED_ELASTIC);
			});
	}

	@Test
	void bindsCompressionSettingsToTheServer() {
		this.contextRunner
			.withPropertyValues("wsboot.compression.enabled=true", "wsboot.compression.server-no-context-takeover=true",
					"wsboot.compression.client-no-context-takeover=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WsbootProperties properties = context.getBean(WsbootProperties.class);
				assertThat(properties.getCompression().isEnabled()).isTrue();
				WebSocketServerSettings settings = context.getBean(NettyWebSocketServer.class).getSettings();
				assertThat(settings.compression()).isTrue();
				assertThat(settings.compressionServerNoContextTakeover()).isTrue();
				assertThat(settings.compressionClientNoContextTakeover()).isTrue();
				assertThat(settings.compressionServerMaxWindowBits()).isEqualTo(15);
			});
	}

	@Test
	void bindsDeprecatedCompressionSwitch() {
		this.contextRunner.withPropertyValues("wsboot.compression=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WsbootProperties.class).getCompression().isEnabled()).isTrue();
			assertThat(context.getBean(NettyWebSocketServer.class).getSettings().compression()).isTrue();
		});
		this.contextRunner.withPropertyValues("wsboot.compression=false")
			.run((context) -> assertThat(context.getBean(WsbootProperties.class).getCompression().isEnabled())
				.isFalse());
	}

	@Test
	void bindsSmallerServerWindowWithJzlib() {
		this.contextRunner
			.withPropertyValues("wsboot.compression.enabled=true", "wsboot.compression.server-max-window-bits=12")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(NettyWebSocketServer.class).getSettings().compressionServerMaxWindowBits())
					.isEqualTo(12);
			});
	}

	@Test
	void failsWithServerWindowOutOfRange() {
		this.contextRunner
			.withPropertyValues("wsboot.compression.enabled=true", "wsboot.compression.server-max-window-bits=8")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("between 9 and 15"));
	}

	@Test
	void setsTheFirstRequestDeadlineOnTheServerByDefault() {
		this.contextRunner.run((context) -> {
			NettyServerCustomizer customizer = context.getBean("wsbootNettyServerCustomizer",
					NettyServerCustomizer.class);
			assertThat(customizer.getClass().getName()).isEqualTo("io.wsboot.handshake.HandshakeTimeoutCustomizer");
			HttpServer server = HttpServer.create();
			assertThat(customizer.apply(server)).isNotSameAs(server);
		});
	}

	@Test
	void leavesTheServerAloneWhenHandshakeTimeoutIsZero() {
		this.contextRunner.withPropertyValues("wsboot.handshake-timeout=0").run((context) -> {
			assertThat(context).hasNotFailed();
			HttpServer server = HttpServer.create();
			assertThat(context.getBean("wsbootNettyServerCustomizer", NettyServerCustomizer.class).apply(server))
				.isSameAs(server);
		});
	}

	@Test
	void defaultHandshakeInterceptorSelectsFromConfiguredSubprotocols() {
		this.contextRunner.withPropertyValues("wsboot.subprotocols=chat,superchat").run((context) -> {
			assertThat(context).hasSingleBean(DefaultHandshakeInterceptor.class);
			assertThat(context.getBean(DefaultHandshakeInterceptor.class).getSubprotocols()).containsExactly("chat",
					"superchat");
		});
	}

	@Test
	void backsOffWhenUserDefinesHandshakeInterceptor() {
		this.contextRunner.withUserConfiguration(CustomHandshakeConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeanNames(HandshakeInterceptor.class).containsExactly("customHandshake");
			assertThat(context).doesNotHaveBean(DefaultHandshakeInterceptor.class);
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context).hasBean("wsbootHandlerMapping");
		});
	}

	@Test
	void failsWhenUserWebSocketServerReplacesTheEngine() {
		this.contextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isInstanceOf(UnsupportedWebSocketServerException.class);
			assertThat(((UnsupportedWebSocketServerException) failure).getServers())
				.containsOnlyKeys("customWebSocketServer");
			FailureAnalysis analysis = new UnsupportedWebSocketServerFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'customWebSocketServer'")
				.contains("wsboot's engine was not created");
			assertThat(analysis.getAction()).contains("Remove the application's WebSocketServer bean")
				.contains("wsboot.enabled=false");
		});
	}

	@Test
	void keepsUserWebSocketServerWhenDisabled() {
		this.contextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class)
			.withPropertyValues("wsboot.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBeanNames(WebSocketServer.class).containsExactly("customWebSocketServer");
				assertThat(context).doesNotHaveBean("wsbootHandlerMapping");
			});
	}

	@Test
	void keepsUserNettyWebSocketServer() {
		this.contextRunner.withUserConfiguration(CustomNettyWebSocketServerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeanNames(WebSocketServer.class).containsExactly("customNettyWebSocketServer");
			assertThat(context).hasBean("wsbootHandlerMapping");
		});
	}

	@Test
	void doesNotCreateBeansWhenDisabled() {
		this.contextRunner.withPropertyValues("wsboot.enabled=false").run(hasNoWsbootBeans());
	}

	@Test
	void doesNotCreateBeansForNonWebApp() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WsbootAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WsbootProperties.class);
				assertThat(context).doesNotHaveBean(WebSocketServer.class);
				assertThat(context).doesNotHaveBean(HandshakeInterceptor.class);
				for (String name : BEAN_NAMES) {
					assertThat(context).doesNotHaveBean(name);
				}
			});
	}

	@Test
	void failsForServletWebApp() {
		servletContextRunner().run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isInstanceOf(UnsupportedWebServerException.class);
			assertThat(((UnsupportedWebServerException) failure).getKind()).isEqualTo(Kind.SERVLET);
			FailureAnalysis analysis = new UnsupportedWebServerFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("servlet web application");
			assertThat(analysis.getAction()).contains("spring-boot-starter-webflux")
				.contains("spring.main.web-application-type=reactive")
				.contains("wsboot.enabled=false");
		});
	}

	@Test
	void doesNotCreateBeansForServletWebAppWhenDisabled() {
		servletContextRunner().withPropertyValues("wsboot.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WsbootProperties.class);
			assertThat(context).doesNotHaveBean(WebSocketServer.class);
		});
	}

	@Test
	void failsWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class)).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isInstanceOf(UnsupportedWebServerException.class);
			assertThat(((UnsupportedWebServerException) failure).getKind()).isEqualTo(Kind.REACTIVE_SERVER);
			assertThat(((UnsupportedWebServerException) failure).getServer())
				.contains("HttpServer is not on the classpath");
			FailureAnalysis analysis = new UnsupportedWebServerFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getAction()).contains("Reactor Netty").contains("wsboot.enabled=false");
		});
	}

	@Test
	void doesNotCreateBeansWithoutReactorNettyWhenDisabled() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.withPropertyValues("wsboot.enabled=false")
			.run(hasNoWsbootBeans());
	}

	@Test
	void failsOnOtherReactiveWebServer() {
		this.contextRunner.withBean("otherWebServerFactory", OtherReactiveWebServerFactory.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).isInstanceOf(UnsupportedWebServerException.class);
			assertThat(((UnsupportedWebServerException) failure).getServer())
				.contains(OtherReactiveWebServerFactory.class.getName());
			FailureAnalysis analysis = new UnsupportedWebServerFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(OtherReactiveWebServerFactory.class.getName());
		});
	}

	@Test
	void startsOnReactorNettyWebServer() {
		this.contextRunner.withBean(NettyReactiveWebServerFactory.class).run(hasWsbootBeans());
	}

	@Test
	void doesNotCreateBeansWithoutWebFlux() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherHandler.class)).run(hasNoWsbootBeans());
	}

	@Test
	void registersFailureAnalyzers() {
		// Only ours: the others of Spring Boot need a bean factory to be created
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, null, (factoryType, factoryImplementationName, failure) -> {
			});
		assertThat(analyzers).extracting((analyzer) -> analyzer.getClass().getName())
			.contains(UnsupportedWebServerFailureAnalyzer.class.getName(),
					UnsupportedWebSocketServerFailureAnalyzer.class.getName(),
					"io.wsboot.autoconfigure.cluster.ClusterRedisMissingFailureAnalyzer");
	}

	@Test
	void startsWithBoundedElasticListenerExecution() {
		this.contextRunner.withPropertyValues("wsboot.listener-execution=bounded-elastic").run(hasWsbootBeans());
	}

	@Test
	void startsWithEventLoopListenerExecution() {
		this.contextRunner.withPropertyValues("wsboot.listener-execution=event-loop").run(hasWsbootBeans());
	}

	@Test
	void virtualThreadListenerExecutionNeedsJava21() {
		this.contextRunner.withPropertyValues("wsboot.listener-execution=virtual-threads").run((context) -> {
			if (Runtime.version().feature() < 21) {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("virtual threads")
					.hasStackTraceContaining("Java 21");
			}
			else {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(WebSocketServer.class);
				assertThat(listenerExecutor(context)).isInstanceOf(VirtualThreadTaskExecutor.class);
			}
		});
	}

	@Test
	void keepsListenersOnEventLoopWhenSpringVirtualThreadsAreEnabled() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(listenerExecutor(context)).isNull();
		});
	}

	@Test
	void runsListenersOnEventLoopByDefault() {
		this.contextRunner.run((context) -> assertThat(listenerExecutor(context)).isNull());
	}

	@Test
	void runsListenersOnBoundedElasticWhenConfigured() {
		this.contextRunner.withPropertyValues("wsboot.listener-execution=bounded-elastic")
			.run((context) -> assertThat(listenerExecutor(context)).isNotNull());
	}

	/**
	 * Return where the engine runs listeners, {@code null} for the event loop.
	 */
	private static @Nullable Object listenerExecutor(AssertableReactiveWebApplicationContext context) {
		return context.getBean(NettyWebSocketServer.class).getSettings().worker();
	}

	private static WebApplicationContextRunner servletContextRunner() {
		return new WebApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(WsbootAutoConfiguration.class, WsbootWebServerCheckAutoConfiguration.class));
	}

	private static ContextConsumer<AssertableReactiveWebApplicationContext> hasWsbootBeans() {
		return (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootProperties.class);
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context).hasSingleBean(HandshakeInterceptor.class);
			for (String name : BEAN_NAMES) {
				assertThat(context).hasBean(name);
			}
		};
	}

	private static ContextConsumer<AssertableReactiveWebApplicationContext> hasNoWsbootBeans() {
		return (context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WsbootProperties.class);
			assertThat(context).doesNotHaveBean(WebSocketServer.class);
			assertThat(context).doesNotHaveBean(HandshakeInterceptor.class);
			for (String name : BEAN_NAMES) {
				assertThat(context).doesNotHaveBean(name);
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomHandshakeConfiguration {

		@Bean
		HandshakeInterceptor customHandshake() {
			return (request, response) -> {
				response.status(101);
				response.end();
				return true;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomMulticasterConfiguration {

		@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
		static SimpleApplicationEventMulticaster applicationEventMulticaster() {
			return new SimpleApplicationEventMulticaster();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomNettyWebSocketServerConfiguration {

		@Bean
		NettyWebSocketServer customNettyWebSocketServer(ApplicationEventPublisher publisher) {
			return new NettyWebSocketServer(publisher,
					WebSocketServerSettings.builder()
						.maxFrameSize(1024)
						.maxMessageSize(1024)
						.compression(false)
						.sendBufferSize(1024)
						.build());
		}

	}

	static class OtherReactiveWebServerFactory implements ReactiveWebServerFactory {

		@Override
		public WebServer getWebServer(HttpHandler httpHandler) {
			throw new UnsupportedOperationException();
		}

	}

}
