package io.wsboot.test;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Clears the {@link WebSocketEventRecorder} beans of a test's application context before
 * each test method, so that a recording holds the events of one test.
 */
final class WebSocketEventRecorderTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			ApplicationContext context = testContext.getApplicationContext();
			context.getBeanProvider(WebSocketEventRecorder.class)
				.orderedStream()
				.forEach(WebSocketEventRecorder::clear);
		}
	}

}
