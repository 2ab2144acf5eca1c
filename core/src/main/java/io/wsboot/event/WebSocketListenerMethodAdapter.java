package io.wsboot.event;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ApplicationListenerMethodAdapter;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.util.ReflectionUtils;

/**
 * The listener of an {@code @EventListener} method that takes one WebSocket event and has
 * no condition. It behaves as Spring's {@link ApplicationListenerMethodAdapter} (same
 * event types, order, id, handling of a returned value) but calls the method through a
 * method handle, without an argument array, and looks a singleton bean up once rather
 * than for every event. Where the method cannot be reached that way it is called as
 * Spring would.
 *
 * @since 0.1.0
 */
public class WebSocketListenerMethodAdapter extends ApplicationListenerMethodAdapter {

	private static final Log logger = LogFactory.getLog(WebSocketListenerMethodAdapter.class);

	private static final MethodType INVOKER_TYPE = MethodType.methodType(Object.class, Object.class, Object.class);

	private final String beanName;

	private final BeanFactory beanFactory;

	private final Class<?> eventType;

	private final @Nullable MethodHandle invoker;

	/** The bean, once found to be a singleton. */
	private volatile @Nullable Object singleton;

	/**
	 * Create a listener.
	 * @param beanName the name of the bean whose method it calls
	 * @param targetClass the bean's class
	 * @param method the method, one parameter of a WebSocket event type
	 * @param beanFactory where the bean is
	 */
	public WebSocketListenerMethodAdapter(String beanName, Class<?> targetClass, Method method,
			BeanFactory beanFactory) {
		super(beanName, targetClass, method);
		this.beanName = beanName;
		this.beanFactory = beanFactory;
		Method invocable = BridgeMethodResolver.findBridgedMethod(method);
		this.eventType = invocable.getParameterTypes()[0];
		this.invoker = invoker(invocable);
	}

	private static @Nullable MethodHandle invoker(Method method) {
		try {
			ReflectionUtils.makeAccessible(method);
			return MethodHandles.lookup().unreflect(method).asType(INVOKER_TYPE);
		}
		catch (IllegalAccessException | RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Calling " + method + " through reflection: " + ex);
			}
			return null;
		}
	}

	@Override
	public void processEvent(ApplicationEvent event) {
		MethodHandle invoker = this.invoker;
		if (invoker == null || !this.eventType.isInstance(event)) {
			super.processEvent(event);
			return;
		}
		Object bean = targetBean();
		// Spring's NullBean, for a bean method that returned null, equals null
		if (bean.equals(null)) {
			return;
		}
		Object result = invoke(invoker, bean, event);
		if (result != null) {
			handleResult(result);
		}
	}

	private Object targetBean() {
		Object bean = this.singleton;
		if (bean != null) {
			return bean;
		}
		bean = getTargetBean();
		if (this.beanFactory.isSingleton(this.beanName)) {
			this.singleton = bean;
		}
		return bean;
	}

	/**
	 * Call the method; what it throws reaches the caller as from Spring's listener: a
	 * {@link RuntimeException} as it is, anything else wrapped.
	 */
	private @Nullable Object invoke(MethodHandle invoker, Object bean, ApplicationEvent event) {
		try {
			return invoker.invokeExact(bean, (Object) event);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex,
					getDetailedErrorMessage(bean, "Failed to invoke event listener method"));
		}
	}

}
