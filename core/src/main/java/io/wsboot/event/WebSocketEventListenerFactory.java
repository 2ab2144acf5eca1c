package io.wsboot.event;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;

import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.DefaultEventListenerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.Assert;

/**
 * Creates the listeners of methods annotated with {@code @EventListener} itself that take
 * one WebSocket event ({@link WebSocketOpenEvent}, {@link WebSocketMessageEvent} or
 * {@link WebSocketCloseEvent}) and have no {@code condition}: a
 * {@link WebSocketListenerMethodAdapter} that calls the method without looking its bean
 * up again for every event. Other methods are left to the next factory, Spring's
 * {@link DefaultEventListenerFactory} (this one comes just before it).
 *
 * @since 0.1.0
 */
public class WebSocketEventListenerFactory implements EventListenerFactory, BeanFactoryAware, Ordered {

	/**
	 * The order of this factory: just before Spring's default one.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final Set<Class<?>> EVENT_TYPES = Set.of(WebSocketOpenEvent.class, WebSocketMessageEvent.class,
			WebSocketCloseEvent.class);

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public boolean supportsMethod(Method method) {
		if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 1
				|| !EVENT_TYPES.contains(method.getParameterTypes()[0])) {
			return false;
		}
		// @EventListener itself, not an annotation composed with it: those are for the
		// factories that know them
		MergedAnnotation<EventListener> annotation = MergedAnnotations.from(method).get(EventListener.class);
		if (!annotation.isDirectlyPresent()) {
			return false;
		}
		EventListener listener = annotation.synthesize();
		return listener.condition().isEmpty() && listener.classes().length <= 1
				&& (listener.classes().length == 0 || listener.classes()[0] == method.getParameterTypes()[0]);
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		Assert.state(this.beanFactory != null, "No BeanFactory set");
		return new WebSocketListenerMethodAdapter(beanName, type, method, this.beanFactory);
	}

}
