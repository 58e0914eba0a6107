/**
 * Tests of the LangChain4j store: LangChain4j's own store suites against a real Lakeshelf started
 * in process ({@code *IT}), and the filter translation without a server ({@code *Test}).
 */
package io.lakeshelf.langchain4j;
