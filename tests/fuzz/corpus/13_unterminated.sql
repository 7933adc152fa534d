SELECT 'never closed;
/* comment never closed
