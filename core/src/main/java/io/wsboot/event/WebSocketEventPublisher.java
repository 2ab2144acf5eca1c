package io.wsboot.event;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.wsboot.Frame;
import io.wsboot.HandshakeRequest;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.observation.DefaultMessageObservationConvention;
import io.wsboot.observation.MessageObservationContext;
import io.wsboot.observation.MessageObservationConvention;
import io.wsboot.observation.WsbootObservationDocumentation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;

/**
 * Publishes the WebSocket events of one server: straight through the context's
 * multicaster where there is one, with the message event's type resolved once, and
 * observed when an {@link ObservationRegistry} is set. A listener that throws is logged
 * with the fd and never reaches the connection.
 *
 * @since 0.1.0
 */
public final class WebSocketEventPublisher {

	private static final Log logger = LogFactory.getLog(WebSocketEventPublisher.class);

	private static final ResolvableType MESSAGE_EVENT_TYPE = ResolvableType.forClass(WebSocketMessageEvent.class);

	private static final MessageObservationConvention DEFAULT_MESSAGE_CONVENTION = new DefaultMessageObservationConvention();

	private final WebSocketServer source;

	private final ApplicationEventPublisher publisher;

	private volatile @Nullable ApplicationEventMulticaster multicaster;

	private volatile ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private volatile @Nullable MessageObservationConvention messageConvention;

	/**
	 * Create a publisher.
	 * @param source the server, the source of every event
	 * @param publisher where events go when no multicaster is set
	 */
	public WebSocketEventPublisher(WebSocketServer source, ApplicationEventPublisher publisher) {
		Assert.notNull(source, "'source' must not be null");
		Assert.notNull(publisher, "'publisher' must not be null");
		this.source = source;
		this.publisher = publisher;
	}

	/**
	 * Publish straight through the context's multicaster. Only for a context without a
	 * parent: the multicaster does not pass events on to a parent context's listeners.
	 * @param multicaster the multicaster of the application context
	 */
	public void setMulticaster(ApplicationEventMulticaster multicaster) {
		this.multicaster = multicaster;
	}

	/**
	 * Observe the handling of messages.
	 * @param registry where observations go
	 * @param convention a convention of the application's, or {@code null} for the
	 * default
	 */
	public void setObservation(ObservationRegistry registry, @Nullable MessageObservationConvention convention) {
		Assert.notNull(registry, "'registry' must not be null");
		this.observationRegistry = registry;
		this.messageConvention = convention;
	}

	/**
	 * Publish the open event of a connection.
	 * @param request its handshake request
	 */
	public void opened(HandshakeRequest request) {
		publish(request.getFd(), new WebSocketOpenEvent(this.source, request));
	}

	/**
	 * Publish a message event.
	 * @param frame the message
	 */
	public void message(Frame frame) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry.isNoop()) {
			publish(frame.getFd(), new WebSocketMessageEvent(this.source, frame));
		}
		else {
			observed(registry, frame);
		}
	}

	/**
	 * Publish the close event of a connection.
	 * @param fd its fd
	 * @param code the close code
	 * @param reason the close reason
	 * @param closedBy who closed it
	 */
	public void closed(long fd, int code, String reason, ClosedBy closedBy) {
		publish(fd, new WebSocketCloseEvent(this.source, fd, code, reason, closedBy));
	}

	private void observed(ObservationRegistry registry, Frame frame) {
		Observation observation = WsbootObservationDocumentation.MESSAGE
			.observation(this.messageConvention, DEFAULT_MESSAGE_CONVENTION, () -> new MessageObservationContext(frame),
					registry)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			multicast(new WebSocketMessageEvent(this.source, frame));
		}
		catch (Throwable ex) {
			observation.error(ex);
			logger.error("[fd=" + frame.getFd() + "] Listener of WebSocketMessageEvent failed", ex);
		}
		finally {
			observation.stop();
		}
	}

	private void publish(long fd, ApplicationEvent event) {
		try {
			multicast(event);
		}
		catch (Throwable ex) {
			logger.error("[fd=" + fd + "] Listener of " + event.getClass().getSimpleName() + " failed", ex);
		}
	}

	private void multicast(ApplicationEvent event) {
		ApplicationEventMulticaster multicaster = this.multicaster;
		if (multicaster == null) {
			this.publisher.publishEvent(event);
		}
		else if (event instanceof WebSocketMessageEvent) {
			multicaster.multicastEvent(event, MESSAGE_EVENT_TYPE);
		}
		else {
			multicaster.multicastEvent(event, ResolvableType.forInstance(event));
		}
	}

}
