package io.wsboot.autoconfigure;

import io.wsboot.autoconfigure.UnsupportedWebServerException.Kind;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration that fails startup, with a {@link UnsupportedWebServerException}
 * that says what to do, when wsboot is added to a web application it cannot serve: a
 * servlet web application (Spring MVC), or a reactive one on another server than Reactor
 * Netty. Without it wsboot would back off and the WebSocket endpoint would be missing
 * without a word. An application that is not a web application (no web server at all)
 * gets nothing from wsboot, silently.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "wsboot.enabled", matchIfMissing = true)
public final class WsbootWebServerCheckAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	static class ServletWebApplicationConfiguration {

		@Bean
		static BeanFactoryPostProcessor wsbootServletWebApplicationCheck() {
			return (beanFactory) -> {
				throw new UnsupportedWebServerException(Kind.SERVLET, "a servlet web application");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(name = "reactor.netty.http.server.HttpServer")
	static class ReactorNettyConfiguration {

		@Bean
		static ReactiveWebServerCheck wsbootReactiveWebServerCheck() {
			return new ReactiveWebServerCheck(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnMissingClass("reactor.netty.http.server.HttpServer")
	static class NoReactorNettyConfiguration {

		@Bean
		static ReactiveWebServerCheck wsbootReactiveWebServerCheck() {
			return new ReactiveWebServerCheck(false);
		}

	}

}
