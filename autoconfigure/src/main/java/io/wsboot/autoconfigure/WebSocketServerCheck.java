package io.wsboot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wsboot.WebSocketServer;
import io.wsboot.server.NettyWebSocketServer;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;

/**
 * Fails startup, before any bean is created, when a {@link WebSocketServer} bean of the
 * application replaced wsboot's engine ({@link NettyWebSocketServer}): the endpoint would
 * otherwise be missing without a word. The cluster's server, which wraps the engine, is
 * fine: the engine is there.
 */
class WebSocketServerCheck implements BeanFactoryPostProcessor, Ordered {

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		String[] servers = beanFactory.getBeanNamesForType(WebSocketServer.class, true, false);
		if (servers.length == 0
				|| beanFactory.getBeanNamesForType(NettyWebSocketServer.class, true, false).length > 0) {
			return;
		}
		Map<String, String> types = new LinkedHashMap<>();
		for (String name : servers) {
			Class<?> type = beanFactory.getType(name, false);
			types.put(name, (type != null) ? type.getName() : "unknown type");
		}
		throw new UnsupportedWebSocketServerException(types);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
