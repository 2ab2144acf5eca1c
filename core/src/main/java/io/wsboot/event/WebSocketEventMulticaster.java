package io.wsboot.event;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.wsboot.WebSocketMessageEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * The application context's {@link SimpleApplicationEventMulticaster}, which keeps the
 * listeners of {@link WebSocketMessageEvent} resolved: Spring's multicaster builds a new
 * list of them for every event, one per message here. The list is resolved again after
 * any listener is added or removed, and not kept at all while a listener bean that may
 * receive message events is not a singleton (such a bean is looked up for every event, as
 * Spring does). Every other event is multicast exactly as by Spring's multicaster.
 * <p>
 * wsboot's auto-configuration defines it as the context's
 * {@code applicationEventMulticaster} unless the application defines one.
 *
 * @since 0.1.0
 */
public class WebSocketEventMulticaster extends SimpleApplicationEventMulticaster {

	private final Set<String> listenerBeans = ConcurrentHashMap.newKeySet();

	private @Nullable BeanFactory beanFactory;

	/** Changes whenever a listener is added or removed. */
	private final AtomicInteger generation = new AtomicInteger();

	private volatile @Nullable Resolved messageListeners;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = beanFactory;
	}

	@Override
	protected Collection<ApplicationListener<?>> getApplicationListeners(ApplicationEvent event,
			ResolvableType eventType) {
		if (event.getClass() != WebSocketMessageEvent.class || eventType.resolve() != WebSocketMessageEvent.class) {
			return super.getApplicationListeners(event, eventType);
		}
		Class<?> sourceType = event.getSource().getClass();
		Resolved resolved = this.messageListeners;
		int generation = this.generation.get();
		if (resolved != null && resolved.generation == generation && resolved.sourceType == sourceType) {
			return resolved.listeners;
		}
		Collection<ApplicationListener<?>> listeners = super.getApplicationListeners(event, eventType);
		if (!listenerBeansAreSingletons()) {
			return listeners;
		}
		List<ApplicationListener<?>> kept = List.copyOf(listeners);
		this.messageListeners = new Resolved(generation, sourceType, kept);
		return kept;
	}

	/**
	 * Whether every listener bean that may receive message events is a singleton, whose
	 * instance may be kept.
	 */
	private boolean listenerBeansAreSingletons() {
		BeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			return this.listenerBeans.isEmpty();
		}
		for (String name : this.listenerBeans) {
			if (!beanFactory.containsBean(name)) {
				return false;
			}
			if (mayReceiveMessages(beanFactory, name) && !beanFactory.isSingleton(name)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a listener bean may receive message events: unless its class or its bean
	 * definition declares it for an event type they are not (as Spring's multicaster
	 * decides).
	 */
	private static boolean mayReceiveMessages(BeanFactory beanFactory, String name) {
		Class<?> listenerType = beanFactory.getType(name);
		if (listenerType == null || SmartApplicationListener.class.isAssignableFrom(listenerType)
				|| GenericApplicationListener.class.isAssignableFrom(listenerType)) {
			return true;
		}
		if (!receives(ResolvableType.forClass(listenerType))) {
			return false;
		}
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			try {
				return receives(configurable.getMergedBeanDefinition(name).getResolvableType());
			}
			catch (NoSuchBeanDefinitionException ex) {
				return true;
			}
		}
		return true;
	}

	private static boolean receives(ResolvableType listenerType) {
		ResolvableType eventType = listenerType.as(ApplicationListener.class).getGeneric();
		return eventType == ResolvableType.NONE || eventType.resolve() == null
				|| eventType.isAssignableFrom(WebSocketMessageEvent.class);
	}

	private void changed() {
		this.generation.incrementAndGet();
		this.messageListeners = null;
	}

	@Override
	public void addApplicationListener(ApplicationListener<?> listener) {
		super.addApplicationListener(listener);
		changed();
	}

	@Override
	public void addApplicationListenerBean(String listenerBeanName) {
		super.addApplicationListenerBean(listenerBeanName);
		this.listenerBeans.add(listenerBeanName);
		changed();
	}

	@Override
	public void removeApplicationListener(ApplicationListener<?> listener) {
		super.removeApplicationListener(listener);
		changed();
	}

	@Override
	public void removeApplicationListenerBean(String listenerBeanName) {
		super.removeApplicationListenerBean(listenerBeanName);
		this.listenerBeans.remove(listenerBeanName);
		changed();
	}

	@Override
	public void removeApplicationListeners(Predicate<ApplicationListener<?>> predicate) {
		super.removeApplicationListeners(predicate);
		changed();
	}

	@Override
	public void removeApplicationListenerBeans(Predicate<String> predicate) {
		super.removeApplicationListenerBeans(predicate);
		this.listenerBeans.removeIf(predicate);
		changed();
	}

	@Override
	public void removeAllListeners() {
		super.removeAllListeners();
		this.listenerBeans.clear();
		changed();
	}

	private record Resolved(int generation, Class<?> sourceType, List<ApplicationListener<?>> listeners) {

	}

}
