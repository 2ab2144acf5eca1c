package io.wsboot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.wsboot.autoconfigure.UnsupportedWebServerException.Kind;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.core.Ordered;

/**
 * Fails startup, before any bean is created, when a reactive web application does not run
 * on Reactor Netty: Reactor Netty is not on the classpath, or the application's
 * {@link ReactiveWebServerFactory} is another server's.
 */
class ReactiveWebServerCheck implements BeanFactoryPostProcessor, Ordered {

	private static final String NETTY_FACTORY = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory";

	private final boolean reactorNetty;

	/**
	 * Create a check.
	 * @param reactorNetty whether Reactor Netty's server is on the classpath
	 */
	ReactiveWebServerCheck(boolean reactorNetty) {
		this.reactorNetty = reactorNetty;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		List<String> factories = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(ReactiveWebServerFactory.class, true, false)) {
			Class<?> type = beanFactory.getType(name, false);
			if (type != null && isNetty(type)) {
				return;
			}
			factories.add((type != null) ? type.getName() : name);
		}
		if (this.reactorNetty && factories.isEmpty()) {
			return;
		}
		String server = factories.isEmpty() ? "a server other than Reactor Netty"
				: "the server of " + String.join(", ", factories);
		if (!this.reactorNetty) {
			server += " (Reactor Netty's HttpServer is not on the classpath)";
		}
		throw new UnsupportedWebServerException(Kind.REACTIVE_SERVER, server);
	}

	private static boolean isNetty(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (NETTY_FACTORY.equals(candidate.getName())) {
				return true;
			}
		}
		return false;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
