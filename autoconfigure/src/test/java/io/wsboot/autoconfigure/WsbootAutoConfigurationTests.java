package io.wsboot.autoconfigure;

import java.lang.reflect.Proxy;
import java.time.Duration;

import io.wsboot.DefaultHandshakeInterceptor;
import io.wsboot.HandshakeInterceptor;
import io.wsboot.WebSocketServer;
import io.wsboot.autoconfigure.WsbootProperties.ListenerExecution;
import io.wsboot.event.WebSocketEventListenerFactory;
import io.wsboot.event.WebSocketEventMulticaster;
import io.wsboot.netty.NettyWebSocketServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.test.util.ReflectionTestUtils;
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
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsbootAutoConfiguration.class));

	@Test
	void createsServerHandshakeHandlerMappingAndCustomizerForReactiveWebApp() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(WsbootProperties.class);
			assertThat(context).hasSingleBean(WebSocketServer.class);
			assertThat(context.getBean("webSocketServer").getClass().getName())
				.isEqualTo("io.wsboot.netty.NettyWebSocketServer");
			assertThat(context).hasSingleBean(HandshakeInterceptor.class);
			assertThat(context.getBean("handshakeInterceptor")).isInstanceOf(DefaultHandshakeInterceptor.class);
			assertThat(context.getBean(DefaultHandshakeInterceptor.class).getSubprotocols()).isEmpty();
			assertThat(context.getBean("wsbootHandlerMapping")).isInstanceOf(HandlerMapping.class);
			assertThat(context.getBean("wsbootHandlerMapping").getClass().getName())
				.isEqualTo("io.wsboot.netty.WsbootHandlerMapping");
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
			assertThat(properties.getAllowedOrigins()).containsExactly("*");
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
	void backsOffWhenUserDefinesWebSocketServer() {
		this.contextRunner.withUserConfiguration(CustomWebSocketServerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeanNames(WebSocketServer.class).containsExactly("customWebSocketServer");
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
	void doesNotCreateBeansForServletWebApp() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(WsbootAutoConfiguration.class))
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
	void doesNotCreateBeansWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class)).run(hasNoWsbootBeans());
	}

	@Test
	void doesNotCreateBeansWithoutWebFlux() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherHandler.class)).run(hasNoWsbootBeans());
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
		return ReflectionTestUtils.getField(context.getBean(NettyWebSocketServer.class), "worker");
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
	static class CustomWebSocketServerConfiguration {

		@Bean
		WebSocketServer customWebSocketServer() {
			return (WebSocketServer) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { WebSocketServer.class }, (proxy, method, args) -> switch (method.getName()) {
						case "toString" -> "customWebSocketServer";
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == args[0];
						default -> throw new UnsupportedOperationException(method.getName());
					});
		}

	}

}
